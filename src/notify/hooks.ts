import { RouteBook } from './route-book.js';
import type { NotifyProvider, ProviderCapabilities } from './provider.js';
import { secretKeys, TargetBook, type StoredTarget, type StoredTargetKind } from './targets.js';
import type { TargetRouting } from './routing.js';
import type { NotifyKind } from './silence.js';
import { TemplateBook } from './templates.js';
import type { Db } from '../store/db.js';

/** A target as listed: its name, its provider, what the provider can do. Never settings or secrets. */
export interface TargetInfo {
  name: string;
  provider: string;
  /** `env`: made from the provider module's environment; `api`: stored at run time (`PUT /api/v1/notify/targets/:name`). */
  origin: 'env' | 'api';
  capabilities: Omit<ProviderCapabilities, 'rateLimit'> & {
    rateLimit: { intervalMs: number; burst: number };
    /** An on-call tool: incidents opened and resolved by key (src/notify/incidents.ts), no posts. */
    incidents?: boolean;
  };
}

/**
 * What became of a send, counted once per item where the layer sends: `sent` alone (a root, a reply, replies
 * combined), `digested` (in a digest), `failed` (the service refused or the call failed; retried later),
 * `suppressed` (a silence covered the address), `dropped` (not in the provider's allow list).
 */
export type NotifyOutcome = 'sent' | 'digested' | 'failed' | 'suppressed' | 'dropped';
/** What is counted: the target, what was sent (a root's kind or `reply`), its outcome, how many. */
export interface NotifyCount {
  target: string;
  kind: string;
  outcome: NotifyOutcome;
  count: number;
}

/** What the layer keeps of a target beyond its listing: how it renders and its default routing. */
export interface TargetParts {
  /** The chat provider; null for an incident target, which has no messages to render or template. */
  provider: NotifyProvider<unknown> | null;
  routing: TargetRouting;
  /** An incident target's kinds: what it can send (what the default routing sends it is `routing.kinds`). */
  incidentKinds?: { handles: readonly NotifyKind[] };
  /** The module whose deliveries carry the target's sends (a fallback is a delivery of this module). */
  module?: string;
}

/** A provider whose module serves stored targets: how one target's provider and routing are made of its settings. */
export interface TargetKind extends StoredTargetKind {
  /** The module whose deliveries carry this provider's stored targets' sends. */
  module: string;
  build(settings: Record<string, unknown>, name: string): { provider: NotifyProvider<unknown>; routing: TargetRouting };
}

/**
 * The core's side of every notification, one instance per hub, shared by every provider's notifier: the targets
 * the providers registered, the stored routes and templates. Silences are asked through the delivery
 * (`DeliveryContext.silences`), by the rule that may have held the whole delivery.
 */
export class NotifyHooks {
  private readonly registered = new Map<string, TargetInfo>();
  private readonly parts = new Map<string, TargetParts>();
  /** The environment's variable behind each env-made target, named when a PUT would take its name. */
  private readonly owners = new Map<string, string>();
  private readonly kinds = new Map<string, TargetKind>();
  private readonly built = new Map<string, { version: number; parts: TargetParts }>();
  private storedBook: TargetBook | null = null;
  private secretSink: (secrets: string[]) => void = () => undefined;
  private book: RouteBook | null = null;
  private templateBook: TemplateBook | null = null;
  private counter: ((count: NotifyCount) => void) | null = null;
  private db: Db | null = null;

  /** The hub's metrics count every send here (`alvares_notifications_total`). */
  setCounter(counter: ((count: NotifyCount) => void) | null): void {
    this.counter = counter;
  }

  /** Counts sends; a counter that throws never fails a send. */
  count(count: NotifyCount): void {
    if (!(count.count > 0) || !this.counter) return;
    try {
      this.counter(count);
    } catch {
      // Metrics are best effort.
    }
  }

  /**
   * Called by the hub once the store is open: routes and targets live in PostgreSQL. `secretSink` learns every
   * stored target's secrets as they are read, so the logs' redactor hides them like the environment's.
   */
  useStore(db: Db, secretSink?: (secrets: string[]) => void): void {
    this.db = db;
    this.book = new RouteBook(
      db,
      async () => {
        await this.loadTargets(true);
        return this.targets().map((target) => target.name);
      },
      // An on-call target routes on its own (incidents.ts) and could not carry another target's message.
      () => this.targets().flatMap((target) => (target.capabilities.incidents ? [] : [target.name])),
    );
    this.templateBook = new TemplateBook(db);
    this.storedBook = new TargetBook(db);
    if (secretSink) this.secretSink = secretSink;
  }

  /** The stored targets, or null before the store is open. */
  get targetBook(): TargetBook | null {
    return this.storedBook;
  }

  /** Reads the stored targets again when the copy is older than seconds (or now, `fresh`): before listing, routing or sending. */
  async loadTargets(fresh = false): Promise<void> {
    if (!this.storedBook) return;
    const stored = await this.storedBook.all(fresh);
    this.secretSink(
      stored.flatMap((target) => {
        const kind = this.kinds.get(target.provider);
        if (!kind) return [];
        const values = [
          ...secretKeys(kind).map((key) => target.settings[key]),
          ...(kind.secretsOf?.(target.settings) ?? []),
        ];
        return values.filter((value): value is string => typeof value === 'string');
      }),
    );
  }

  /** A provider module serving stored targets registers its kind on every (re)start. */
  registerKind(kind: TargetKind): void {
    this.kinds.set(kind.provider, kind);
    for (const [name, entry] of this.built) if (entry.parts.provider?.name === kind.provider) this.built.delete(name);
  }

  kindOf(provider: string): TargetKind | null {
    return this.kinds.get(provider) ?? null;
  }

  /** The variable that makes an env-made target (or its module's name), null for any other name. */
  envOwnerOf(name: string): string | null {
    if (this.registered.has(name))
      return this.owners.get(name) ?? `the ${this.registered.get(name)!.provider} module's environment`;
    const kind = this.kinds.get(name);
    return kind ? kind.envVariable : null;
  }

  /** Stored targets this hub serves: of a provider registered here, not shadowed by an env-made target. */
  storedTargets(): StoredTarget[] {
    return (this.storedBook?.known() ?? []).filter(
      (target) => this.kinds.has(target.provider) && !this.registered.has(target.name),
    );
  }

  /** The stored templates, or null before the store is open (then the providers' own words are used). */
  get templates(): TemplateBook | null {
    return this.templateBook;
  }

  /** The stored routes, or null before the store is open (then the default routing applies). */
  get routes(): RouteBook | null {
    return this.book;
  }

  /**
   * The team of an application's latest deployment (in `cluster` when the event names one and it was deployed
   * there, else anywhere): what an error or recommendation without a team is routed as. Null before the store
   * is open or when the application was never deployed with a team.
   */
  async teamOfApplication(application: string, cluster: string | null): Promise<string | null> {
    if (!this.db) return null;
    const latest = async (inCluster: string | null) => {
      const rows = await this.db!.query<{ team: string | null }>(
        `select payload->>'team' as team from events
         where type = 'deployment' and parent_id is null and application_name = $1 and ($2::text is null or cluster = $2)
         order by received_at desc limit 1`,
        [application, inCluster],
      );
      return rows.rows[0];
    };
    const row = (cluster ? await latest(cluster) : undefined) ?? (await latest(null));
    return row?.team || null;
  }

  /** An env-made target; `envVariable` is what makes it (`TEAMS_WEBHOOK_URL`). */
  registerTarget(info: Omit<TargetInfo, 'origin'>, parts: TargetParts, envVariable?: string): void {
    this.registered.set(info.name, { ...info, origin: 'env' });
    this.parts.set(info.name, parts);
    if (envVariable) this.owners.set(info.name, envVariable);
  }

  /** A target's provider and default routing: for sending, and for explaining where an event would go. */
  partsOf(name: string): TargetParts | undefined {
    const own = this.parts.get(name);
    if (own) return own;
    const stored = this.storedTargets().find((target) => target.name === name);
    if (!stored) return undefined;
    const cached = this.built.get(name);
    if (cached && cached.version === stored.version) return cached.parts;
    const made = this.kinds.get(stored.provider)!.build(stored.settings, name);
    // A stored target is sent only what stored routes name for it: the default routing is the environment's.
    const parts = {
      provider: made.provider,
      routing: { ...made.routing, kinds: [] },
      module: this.kinds.get(stored.provider)!.module,
    };
    this.built.set(name, { version: stored.version, parts });
    return parts;
  }

  /** The module that delivers a target's sends (its own name unless the provider module said otherwise). */
  moduleOf(target: string): string | null {
    const parts = this.partsOf(target);
    return parts ? (parts.module ?? target) : null;
  }

  /** The targets a module delivers. */
  targetsOf(module: string): string[] {
    return this.targets()
      .map((target) => target.name)
      .filter((target) => this.moduleOf(target) === module);
  }

  /**
   * The modules that got a delivery of an event when it arrived (a module that was off got none). Null before
   * the store is open.
   */
  async modulesDelivering(eventId: string): Promise<Set<string> | null> {
    if (!this.db) return null;
    const rows = await this.db.query<{ module: string }>(
      'select module from deliveries where event_id = $1 and fallback_for is null',
      [eventId],
    );
    return new Set(rows.rows.map((row) => row.module));
  }

  /** Every target: the environment's, then the stored ones this hub serves (as last read: see `loadTargets`). */
  targets(): TargetInfo[] {
    const stored = this.storedTargets().flatMap((target): TargetInfo[] => {
      const provider = this.partsOf(target.name)?.provider;
      if (!provider) return [];
      const { threads, edits, lookup, rateLimit } = provider.capabilities;
      return [
        {
          name: target.name,
          provider: target.provider,
          origin: 'api',
          capabilities: {
            threads,
            edits,
            lookup,
            rateLimit: { intervalMs: rateLimit.intervalMs, burst: rateLimit.burst },
          },
        },
      ];
    });
    return [...this.registered.values(), ...stored];
  }
}
