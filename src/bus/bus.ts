import { randomUUID } from 'node:crypto';
import type { DeliveryPolicy } from '../config/config.js';
import type { Db, Queryable } from '../store/db.js';
import { placementLocks } from '../store/deployment-placement.js';
import type { Accepted, NewEvent, StartedDelivery, WriterOptions } from './fan-out.js';
import { writeEvents } from './write-events.js';
import type { HubStream } from '../stream/hub-stream.js';
import { Batcher } from '../util/batcher.js';
import { asStoredJson } from '../util/text.js';
import type { EventMap, EventType, HubEvent } from '../events/types.js';

/** An event to store: ingested (with its raw body and dedupe keys) or derived from another. */
export interface EventInput<T extends EventType = EventType> {
  type: T;
  payload: EventMap[T];
  /** The body exactly as received (ingest only). */
  raw?: unknown;
  /** The event this one is about (a storm's first error, the deployment a check ran for). */
  parentId?: string | null;
  /** Where the application, cluster and team columns come from, when not this payload (a check's deployment). */
  about?: unknown;
  idempotencyKey?: string;
  bodyHash?: string;
  fingerprint?: string;
  /** Who sent it (the INGEST_TOKENS name, `hmac`), when ingest needs credentials. */
  sender?: string | null;
  /** The adapter an ingested event came through: `aspen`, `cdevents`, `github`, `gitlab`. */
  ingestSource?: string;
  /** The module it comes from: a module is never delivered its own derived events. */
  source?: string;
  /** Store it only when some module will get it (a check's outcome nobody reports is not kept). */
  onlyIfSubscribed?: boolean;
}

/**
 * Who gets a delivery of an event: the registry's subscription table, asked once per event. `queuedOnly`:
 * never run by the hub that ingests it (a serial module's, one at a time per hub).
 */
export type TargetFinder = <T extends EventType>(
  type: T,
  payload: EventMap[T],
) => Array<{ module: string; policy: DeliveryPolicy; queuedOnly?: boolean }>;

/**
 * Runs deliveries in this hub, at once and with no queue job, when it has room (the delivery engine). An
 * ingested event's deliveries are then stored already in progress and claimed by this hub, and started
 * after the commit: a job's insert, fetch, claim and completion saved for each (see 008-one-job-per-event).
 */
export interface LocalRunner {
  /** The id this hub claims under (the replicas' heartbeat names it). */
  readonly hubId: string;
  /** Takes room for `count` deliveries if there is that much; what is not started goes back with `release`. */
  reserve(count: number): boolean;
  release(count: number): void;
  /** Starts an event's deliveries stored in progress for this hub; nobody waits for them. */
  start(event: HubEvent, deliveries: StartedDelivery[]): void;
}

/**
 * The bus: every event enters by it: ingested deployments, errors and recommendations, storm follow-ups,
 * check outcomes, and what modules publish. Each event is stored with one delivery per subscribed module,
 * in the same commit, and announced on the hub's stream once committed.
 *
 * `accept` is for ingest: group commit (see Batcher), one commit at a time, each carrying every request
 * that arrived while the previous one committed; measured with 16 connections, that took twice the
 * requests per second of four commits at once. `append` writes inside a caller's transaction (a delivery's
 * outcome, a scheduled run's record), which then calls `announce` after its commit.
 */
export class EventBus {
  private readonly batcher: Batcher<NewEvent, Accepted>;
  private runner: LocalRunner | null = null;
  private targets: TargetFinder = () => [];

  /**
   * `writeDb`: the write path's connections, for ingest's group commits; `db`: the general pool, for a
   * module's publication in a transaction of its own.
   */
  constructor(
    private readonly dbs: { writeDb: Db; db: Db },
    private readonly options: WriterOptions,
    private readonly stream: HubStream,
  ) {
    const db = dbs.writeDb;
    this.batcher = new Batcher(async (events) => {
      // Storm bookkeeping and placing deployments take several statements that must commit together (and
      // placing, its locks, taken with the BEGIN); everything else is one statement.
      const locks = placementLocks(events);
      const accepted =
        locks || events.some((event) => event.fingerprint)
          ? await db.transaction((client) => writeEvents(client, events, options, locks !== null), locks ?? undefined)
          : await writeEvents(db.pool, events, options);
      this.announce({ events, accepted });
      return accepted;
    });
  }

  /**
   * Who gets deliveries: the module registry's subscription table. Set once the registry exists and before
   * it starts its modules (which may publish at start); the registry itself publishes through this bus.
   */
  deliverTo(targets: TargetFinder): void {
    this.targets = targets;
  }

  /** From then on, ingested events' deliveries run in this hub when it has room (see LocalRunner). */
  runLocally(runner: LocalRunner): void {
    this.runner = runner;
  }

  /**
   * Ingest: validated and enriched already; answers once the event and its deliveries are committed. With
   * room in this hub, its deliveries are stored in progress for this hub and started after the commit (the
   * answer does not wait for them); without, they go to the queue.
   */
  async accept(input: EventInput): Promise<Accepted> {
    const event = this.prepare(input);
    const runner = this.runner;
    const local = runner ? event.targets.filter((target) => !target.queuedOnly) : [];
    const reserved = local.length > 0 && runner!.reserve(local.length);
    if (!reserved) return this.batcher.submit(event);
    for (const target of local) target.runBy = runner!.hubId;
    let accepted: Accepted;
    try {
      accepted = await this.batcher.submit(event);
    } catch (error) {
      runner!.release(local.length);
      throw error;
    }
    // A repeat or a coalesced error stored no deliveries.
    runner!.release(local.length - accepted.started.length);
    if (accepted.started.length > 0) {
      // Handlers get the event as a queued run reads it back from the store, whichever way it runs.
      const { id, type, parentId } = event;
      const stored = { payload: asStoredJson(event.payload), raw: asStoredJson(event.raw) };
      runner!.start(
        { id, type, parentId, ...stored, receivedAt: accepted.receivedAt!.toISOString() } as HubEvent,
        accepted.started,
      );
    }
    return accepted;
  }

  /** One derived event in a transaction of its own (what a module publishes outside a delivery): its id. */
  async publish(input: EventInput): Promise<string> {
    const appended = await this.dbs.db.transaction((client) => this.append(client, [input]));
    this.announce(appended);
    return appended.accepted[0]?.eventId ?? '';
  }

  /** Inside the caller's transaction; call `announce` with the answer after committing. */
  async append(client: Queryable, inputs: EventInput[]): Promise<Appended> {
    const events = inputs
      .map((input) => ({ input, event: this.prepare(input) }))
      .filter(({ input, event }) => !input.onlyIfSubscribed || event.targets.length > 0)
      .map(({ event }) => event);
    if (events.length === 0) return { events, accepted: [] };
    return { events, accepted: await writeEvents(client, events, this.options) };
  }

  /** Tells the stream about events that are now committed (repeats and coalesced errors are not news). */
  announce(appended: Appended): void {
    const at = new Date().toISOString();
    appended.events.forEach((event, index) => {
      const accepted = appended.accepted[index];
      if (!accepted || accepted.duplicate || accepted.eventId !== event.id) return;
      this.stream.emit({
        kind: 'event.accepted',
        eventId: event.id,
        type: event.type,
        parentId: event.parentId,
        applicationName: event.applicationName,
        cluster: event.cluster,
        deliveries: accepted.deliveries,
        at,
      });
    });
  }

  /** Waiting and committing ingest batches: shutdown lets accepted requests finish. */
  get idle(): boolean {
    return this.batcher.idle;
  }

  private prepare(input: EventInput): NewEvent {
    const columns = summaryColumns(input.about ?? input.payload);
    return {
      id: randomUUID(),
      type: input.type,
      payload: input.payload,
      raw: input.raw ?? null,
      parentId: input.parentId ?? null,
      sender: input.sender ?? null,
      ...(input.ingestSource ? { ingestSource: input.ingestSource } : {}),
      ...columns,
      targets: this.targets(input.type, input.payload)
        .filter((target) => target.module !== input.source)
        .map((target) => ({ deliveryId: randomUUID(), ...target })),
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
      ...(input.bodyHash ? { bodyHash: input.bodyHash } : {}),
      ...(input.fingerprint ? { fingerprint: input.fingerprint } : {}),
    };
  }
}

export interface Appended {
  events: NewEvent[];
  accepted: Accepted[];
}

/** The columns the history and the status page filter by, read off any payload that has them. */
export function summaryColumns(payload: unknown): {
  applicationName: string | null;
  cluster: string | null;
  team: string | null;
} {
  const record = (payload ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { applicationName: text(record.applicationName), cluster: text(record.cluster), team: text(record.team) };
}
