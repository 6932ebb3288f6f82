import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import { notifyControl, type ControlChannel } from '../store/control-channel.js';
import type { Db } from '../store/db.js';
import { isUuid } from '../store/delivery-views.js';
import {
  endSilence,
  findSilence,
  heldCounts,
  insertSilence,
  knownApplications,
  recentSilences,
  silencesNotOverAt,
} from '../store/silences-repo.js';
import {
  compileMatchers,
  matchesEverything,
  MATCHER_KEYS,
  type MatcherKey,
  type Matchers,
  type NotificationFacts,
} from './matchers.js';
import { silenceStateAt, type Silence, type SilenceInput, type SilenceOrigin, type SilenceState } from './model.js';
import { windowsBetween } from './recurrence.js';
import { SilencesInForce } from './in-force.js';
import type { NotificationHold } from '../delivery/notification-hold.js';

/**
 * A replica that missed a change notice (its listening connection dropped) still sees it this soon: the
 * silences are re-read this often, so a silence made or ended on one replica holds on all within 5 s.
 */
const POLL_MS = 2_000;
/** A window opening within this long is shown as the next one. */
const LOOKAHEAD_MS = 8 * 24 * 3_600_000;

export interface SilenceView extends Silence {
  state: SilenceState;
  /** The window holding now (a one-off's whole span), or the next one to open (pending), if any. */
  window: { opensAt: string; closesAt: string } | null;
  /** Deliveries it held (ended `suppressed`). */
  held?: number;
}

export type SilenceFilter = Partial<Record<MatcherKey, string>>;

/**
 * Silences and maintenance windows: stored in PostgreSQL, kept in memory on every replica (re-read on a change
 * notice and every 2 s), and asked before each notification whether one holds it. Matching is in memory and
 * synchronous: it costs a notification no round trip.
 */
export class Silences {
  private readonly inForce = new SilencesInForce(() => this.now());
  private poll: NodeJS.Timeout | null = null;
  private loading: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      /** The clock silences are judged by; tests drive it. */
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async start(channel: ControlChannel | null): Promise<void> {
    channel?.on('silences', () => void this.reload());
    channel?.on('reconnected', () => void this.reload());
    await this.reload();
    this.poll = setInterval(() => void this.reload(), POLL_MS);
    this.poll.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
  }

  /** One read at a time; a change arriving during a read is picked up by the read after it. */
  reload(): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        const silences = (await silencesNotOverAt(this.deps.db, this.now())) as Silence[];
        this.inForce.replace(silences);
      } catch (error) {
        this.deps.logger.warn('could not read silences; keeping the ones read before', { error: String(error) });
      }
    };
    const next = (this.loading ?? Promise.resolve()).then(run);
    this.loading = next.finally(() => {
      if (this.loading === next) this.loading = null;
    });
    return next;
  }

  /** The silence that holds a notification with these facts now, if any (the one ending last, when several do). */
  holding(facts: NotificationFacts, at: Date = this.now()): Silence | null {
    return this.inForce.holding(facts, at);
  }

  /** Silences holding at `at` (the gauge). */
  activeCount(at: Date = this.now()): number {
    return this.inForce.activeCount(at);
  }

  /** The hold the delivery code asks before a notification delivery runs and before each of its sends. */
  asHold(): NotificationHold {
    return this.inForce.asHold();
  }

  async create(
    input: SilenceInput,
    by: { createdBy: string; origin: SilenceOrigin },
    idempotencyKey: string | null,
  ): Promise<{ silence: SilenceView; created: boolean; warnings: string[] }> {
    const now = this.now();
    const recurring = input.recurrence !== undefined;
    const stored = await insertSilence(
      this.deps.db,
      {
        id: randomUUID(),
        matchers: input.matchers as Matchers,
        startsAt: input.startsAt ?? now.toISOString(),
        endsAt: input.endsAt ?? null,
        recurrence: recurring ? input.recurrence! : null,
        durationMinutes: recurring ? input.durationMinutes! : null,
        timeZone: recurring ? input.timeZone! : null,
        reason: input.reason,
        createdBy: input.createdBy ?? by.createdBy,
        origin: by.origin,
      },
      idempotencyKey,
    );
    if (stored.created) await this.changed();
    const silence = stored.silence;
    this.deps.logger.info(stored.created ? 'silence created' : 'silence repeated (Idempotency-Key)', {
      silenceId: silence.id,
      createdBy: silence.createdBy,
      endsAt: silence.endsAt,
    });
    return { silence: this.view(silence, now), created: stored.created, warnings: await this.warnings(silence) };
  }

  async get(id: string): Promise<SilenceView | null> {
    if (!isUuid(id)) return null;
    const silence = await findSilence(this.deps.db, id);
    if (!silence) return null;
    const held = await heldCounts(this.deps.db, [id]);
    return { ...this.view(silence, this.now()), held: held.get(id) ?? 0 };
  }

  /** Ends it now, kept as expired; null when there is no such silence. */
  async end(id: string, endedBy: string): Promise<SilenceView | null> {
    if (!isUuid(id)) return null;
    const silence = await endSilence(this.deps.db, id, endedBy);
    if (!silence) return null;
    await this.changed();
    this.deps.logger.info('silence ended', { silenceId: id, endedBy });
    return this.view(silence, this.now());
  }

  /**
   * Silences as of `at`: those holding then (default), or every state (`all`: the history, newest first), each
   * narrowed to those that could hold a notification with the filter's values.
   */
  async list(query: { at?: Date; state?: SilenceState | 'all'; filter?: SilenceFilter }): Promise<SilenceView[]> {
    const at = query.at ?? this.now();
    const state = query.state ?? 'active';
    const rows = (
      state === 'all' || state === 'expired'
        ? await recentSilences(this.deps.db, 500)
        : await silencesNotOverAt(this.deps.db, at)
    ) as Silence[];
    const views = rows
      .filter((silence) => mayHold(silence, query.filter ?? {}))
      .map((silence) => this.view(silence, at))
      .filter((view) => state === 'all' || view.state === state);
    const held = await heldCounts(
      this.deps.db,
      views.map((view) => view.id),
    );
    return views.map((view) => ({ ...view, held: held.get(view.id) ?? 0 }));
  }

  private view(silence: Silence, at: Date): SilenceView {
    const { state, window } = silenceStateAt(silence, at);
    let shown = window;
    if (state === 'pending' && silence.recurrence) {
      const from = new Date(Math.max(at.getTime(), Date.parse(silence.startsAt)));
      const next = windowsBetween(
        { recurrence: silence.recurrence, durationMinutes: silence.durationMinutes!, timeZone: silence.timeZone! },
        new Date(silence.startsAt),
        from,
        new Date(from.getTime() + LOOKAHEAD_MS),
      )[0];
      shown = next && (!silence.endsAt || next.opensAt < new Date(silence.endsAt)) ? next : null;
    } else if (state === 'pending' && silence.endsAt) {
      shown = { opensAt: new Date(silence.startsAt), closesAt: new Date(silence.endsAt) };
    }
    return {
      ...silence,
      state,
      window: shown ? { opensAt: shown.opensAt.toISOString(), closesAt: shown.closesAt.toISOString() } : null,
    };
  }

  private async warnings(silence: Silence): Promise<string[]> {
    if (matchesEverything(silence.matchers)) return ['no matchers: this silence holds every notification'];
    const applications = silence.matchers.application;
    if (!applications) return [];
    const matches = compileMatchers({ application: applications });
    const known = await knownApplications(this.deps.db);
    const any = known.some((application) => matches({ application, kind: '', target: '' }));
    return any ? [] : ['no application the hub has seen deployed matches; it holds nothing until one does'];
  }

  /** Every replica (this one first, before the answer goes out) re-reads the silences. */
  private async changed(): Promise<void> {
    await notifyControl(this.deps.db.pool, 'silences');
    await this.reload();
  }
}

/** Whether a silence could hold a notification with the filter's values: each key unnamed by it, or matched. */
function mayHold(silence: Silence, filter: SilenceFilter): boolean {
  return MATCHER_KEYS.every((key) => {
    const wanted = filter[key];
    const values = silence.matchers[key];
    if (wanted === undefined || !values) return true;
    return compileMatchers({ [key]: values })({
      [key]: wanted,
      kind: key === 'kind' ? wanted : '',
      target: key === 'target' ? wanted : '',
    });
  });
}
