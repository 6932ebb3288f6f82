import { RouteBook } from './route-book.js';
import type { NotifyProvider, ProviderCapabilities } from './provider.js';
import type { TargetRouting } from './routing.js';
import type { NotifyKind, SendQuery, SilenceCheck } from './silence.js';
import { TemplateBook } from './templates.js';
import type { Db } from '../store/db.js';

/** A target as listed: its name, its provider, what the provider can do. Never settings or secrets. */
export interface TargetInfo {
  name: string;
  provider: string;
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

/**
 * The core's side of every notification, one instance per hub, shared by every provider's notifier: the targets
 * the providers registered, the stored routes, and the silence check asked before every send. The silences
 * feature sets its check at start (`hub.notifyHooks.setSilenceCheck(...)`); with none set, nothing is suppressed.
 */
export class NotifyHooks {
  private check: SilenceCheck | null = null;
  private readonly registered = new Map<string, TargetInfo>();
  private readonly parts = new Map<string, TargetParts>();
  private book: RouteBook | null = null;
  private templateBook: TemplateBook | null = null;
  private counter: ((count: NotifyCount) => void) | null = null;
  private db: Db | null = null;

  setSilenceCheck(check: SilenceCheck | null): void {
    this.check = check;
  }

  async silencedBy(query: SendQuery): Promise<string | null> {
    return this.check ? ((await this.check(query)) ?? null) : null;
  }

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

  /** Called by the hub once the store is open: routes live in PostgreSQL. */
  useStore(db: Db): void {
    this.db = db;
    this.book = new RouteBook(
      db,
      () => [...this.registered.keys()],
      // An on-call target routes on its own (incidents.ts) and could not carry another target's message.
      () => this.targets().flatMap((target) => (target.capabilities.incidents ? [] : [target.name])),
    );
    this.templateBook = new TemplateBook(db);
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

  registerTarget(info: TargetInfo, parts: TargetParts): void {
    this.registered.set(info.name, info);
    this.parts.set(info.name, parts);
  }

  /** A target's provider and default routing, for explaining where an event would go. */
  partsOf(name: string): TargetParts | undefined {
    return this.parts.get(name);
  }

  /** The module that delivers a target's sends (its own name unless the provider module said otherwise). */
  moduleOf(target: string): string | null {
    return this.parts.has(target) ? (this.parts.get(target)!.module ?? target) : null;
  }

  /** The targets a module delivers. */
  targetsOf(module: string): string[] {
    return [...this.parts.keys()].filter((target) => this.moduleOf(target) === module);
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

  targets(): TargetInfo[] {
    return [...this.registered.values()];
  }
}
