import type { DeliveryPolicy } from '../config/config.js';
import type { EventType } from '../events/types.js';
import type { Db, Queryable } from './db.js';

/** One event to store, with the deliveries (module runs) to enqueue for it in the same transaction. */
export interface NewEvent {
  id: string;
  type: EventType;
  payload: unknown;
  raw: unknown;
  parentId: string | null;
  applicationName: string | null;
  cluster: string | null;
  team: string | null;
  /** Idempotency-Key header: a repeat returns the first event. */
  idempotencyKey?: string;
  /** Hash of an identical body: a repeat inside the dedupe window returns the first event. */
  bodyHash?: string;
  /** Error fingerprint: repeats inside the storm window are coalesced into one follow-up. */
  fingerprint?: string;
  targets: DeliveryTarget[];
}

export interface DeliveryTarget {
  deliveryId: string;
  module: string;
  policy: DeliveryPolicy;
  /** graphile-worker queue: jobs of one named queue run one at a time. */
  queueName: string | null;
}

export interface Accepted {
  eventId: string;
  /** The same request was accepted before; nothing new was stored or sent. */
  duplicate: boolean;
  /** Set when an error was folded into a storm led by this event. */
  stormOf: string | null;
  deliveries: Array<{ id: string; module: string }>;
}

export interface WriterOptions {
  dedupeWindowSeconds: number;
  stormWindowSeconds: number;
  /** How many batches may be committing at once. */
  maxConcurrentFlushes?: number;
  maxBatch?: number;
}

interface Pending {
  event: NewEvent;
  resolve: (accepted: Accepted) => void;
  reject: (error: unknown) => void;
}

export const DELIVER_TASK = 'deliver';
export const STORM_TASK = 'storm-follow-up';

/**
 * Writes accepted events with group commit: requests arriving while a batch commits wait for the next
 * batch, so N concurrent PUTs cost one transaction rather than N, and an idle hub adds no delay at all.
 * A 200 is only given after the commit that holds the event, its deliveries and their jobs.
 */
export class EventWriter {
  private queue: Pending[] = [];
  private flushing = 0;
  private readonly maxConcurrent: number;
  private readonly maxBatch: number;

  constructor(
    private readonly db: Db,
    private readonly options: WriterOptions,
  ) {
    this.maxConcurrent = options.maxConcurrentFlushes ?? 4;
    this.maxBatch = options.maxBatch ?? 200;
  }

  accept(event: NewEvent): Promise<Accepted> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.kick();
    });
  }

  /** Idle means nothing waiting and nothing committing: used by shutdown to let accepted requests finish. */
  get idle(): boolean {
    return this.queue.length === 0 && this.flushing === 0;
  }

  private kick(): void {
    while (this.flushing < this.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.flushing += 1;
      void this.flush(batch).finally(() => {
        this.flushing -= 1;
        this.kick();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const events = batch.map((pending) => pending.event);
      // Storm bookkeeping takes several statements that must commit together; everything else is one statement.
      const results = events.some((event) => event.fingerprint)
        ? await this.db.transaction((client) => writeEvents(client, events, this.options))
        : await writeEvents(this.db.pool, events, this.options);
      batch.forEach((pending, index) => pending.resolve(results[index]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad row must not fail its neighbours: retry each on its own so only the culprit gets the error.
      await Promise.all(batch.map((pending) => this.flush([pending])));
    }
  }
}

/**
 * Stores events and enqueues their deliveries. The common case (no error storms) is one SQL statement, so
 * it needs no explicit transaction: the events, their deliveries, the lifecycle rows and the queue jobs
 * commit together in one round trip. Also used by the delivery engine inside its own transaction, so a
 * finished check and the event announcing it commit together.
 */
export async function writeEvents(client: Queryable, events: NewEvent[], options: WriterOptions): Promise<Accepted[]> {
  const results: Array<Accepted | undefined> = new Array(events.length);
  const storms = await findStormLeaders(client, events, options.stormWindowSeconds);

  const fresh: NewEvent[] = [];
  /** Coalesced errors, by event id, and the storm leader each is folded into. */
  const stormOf = new Map<string, StormLeader>();
  const batchKeys = new Map<string, NewEvent>();
  /** Repeats inside this batch, by index, and the batch neighbour they repeat. */
  const repeats = new Map<number, NewEvent>();
  events.forEach((event, index) => {
    const key = event.idempotencyKey ? `k:${event.idempotencyKey}` : event.bodyHash ? `h:${event.bodyHash}` : null;
    const earlier = key ? batchKeys.get(key) : undefined;
    if (earlier) {
      repeats.set(index, earlier);
      return;
    }
    if (key) batchKeys.set(key, event);
    // With the storm window at 0, storm control is off: not even errors inside one batch are folded.
    if (event.fingerprint && options.stormWindowSeconds > 0) {
      const leader = storms.get(event.fingerprint);
      if (leader) stormOf.set(event.id, leader);
      else storms.set(event.fingerprint, { id: event.id, receivedAt: new Date() });
    }
    fresh.push(event);
  });

  const stored = fresh.length > 0 ? await insertEventsAndDeliveries(client, fresh, stormOf, options.dedupeWindowSeconds) : new Set<string>();
  const notStored = fresh.filter((event) => !stored.has(event.id));
  if (notStored.length > 0) {
    // An earlier request (this batch's neighbour, another replica, the dedupe window) holds the same key or body.
    const earlier = await findEarlier(client, notStored, options.dedupeWindowSeconds);
    for (const event of notStored) {
      results[events.indexOf(event)] = { eventId: earlier.get(event.id) ?? event.id, duplicate: true, stormOf: null, deliveries: [] };
    }
  }
  const coalesced = fresh.filter((event) => stored.has(event.id) && stormOf.has(event.id));
  if (coalesced.length > 0) await scheduleStormFollowUps(client, coalesced.map((event) => stormOf.get(event.id)!), options);
  for (const event of fresh) {
    if (!stored.has(event.id)) continue;
    const leader = stormOf.get(event.id)?.id ?? null;
    results[events.indexOf(event)] = {
      eventId: event.id,
      duplicate: false,
      stormOf: leader,
      deliveries: leader ? [] : event.targets.map((target) => ({ id: target.deliveryId, module: target.module })),
    };
  }
  // A repeat inside the batch gets whatever its neighbour got, which may itself be an earlier event.
  for (const [index, neighbour] of repeats) {
    const answer = results[events.indexOf(neighbour)]!;
    results[index] = { eventId: answer.eventId, duplicate: true, stormOf: null, deliveries: [] };
  }
  return results as Accepted[];
}

/**
 * One statement: insert the events that are not repeats (same idempotency key ever, or same body inside
 * the window), then, for the ones inserted, their deliveries, 'queued' lifecycle rows and queue jobs.
 * Returns the ids inserted.
 */
async function insertEventsAndDeliveries(
  client: Queryable,
  events: NewEvent[],
  stormOf: Map<string, StormLeader>,
  dedupeWindowSeconds: number,
): Promise<Set<string>> {
  const eventRows = events.map((event) => ({
    id: event.id,
    type: event.type,
    parent_id: event.parentId,
    raw: event.raw ?? null,
    payload: event.payload,
    application_name: event.applicationName,
    cluster: event.cluster,
    team: event.team,
    idempotency_key: event.idempotencyKey ?? null,
    body_hash: event.idempotencyKey ? null : event.bodyHash ?? null,
    fingerprint: event.fingerprint ?? null,
    storm_of: stormOf.get(event.id)?.id ?? null,
  }));
  const deliveryRows = events
    .filter((event) => !stormOf.has(event.id))
    .flatMap((event) =>
      event.targets.map((target) => ({
        id: target.deliveryId,
        event_id: event.id,
        module: target.module,
        max_attempts: target.policy.maxAttempts,
        timeout_ms: target.policy.timeoutMs,
        max_age: target.policy.maxAgeSeconds,
        queue_name: target.queueName,
      })),
    );
  const result = await client.query<{ id: string }>(
    `with input as (
       select * from jsonb_to_recordset($1::jsonb) as r(id uuid, type text, parent_id uuid, raw jsonb, payload jsonb,
            application_name text, cluster text, team text, idempotency_key text, body_hash text,
            fingerprint text, storm_of uuid)
     ), inserted as (
       insert into events (id, type, parent_id, raw, payload, application_name, cluster, team,
                           idempotency_key, body_hash, fingerprint, storm_of)
       select i.id, i.type, i.parent_id, i.raw, i.payload, i.application_name, i.cluster, i.team,
              i.idempotency_key, i.body_hash, i.fingerprint, i.storm_of
       from input i
       where i.body_hash is null or $4::int <= 0 or not exists (
         select 1 from events e where e.body_hash = i.body_hash and e.received_at > now() - make_interval(secs => $4::int))
       on conflict (idempotency_key) where idempotency_key is not null do nothing
       returning id
     ), targets as (
       select t.* from jsonb_to_recordset($2::jsonb) as t(id uuid, event_id uuid, module text, max_attempts int,
              timeout_ms int, max_age int, queue_name text)
       join inserted on inserted.id = t.event_id
     ), delivered as (
       insert into deliveries (id, event_id, module, status, max_attempts, timeout_ms, deadline)
       select id, event_id, module, 'queued', max_attempts, timeout_ms, now() + make_interval(secs => max_age) from targets
       returning id
     ), logged as (
       insert into delivery_log (delivery_id, status, attempt) select id, 'queued', 0 from delivered
     ), jobs as (
       select graphile_worker.add_jobs(array(
         select row($3, json_build_object('deliveryId', t.id), t.queue_name, null, 25, 'delivery:' || t.id, 0, null)::graphile_worker.job_spec
         from targets t
       )) as added
       where exists (select 1 from targets)
     )
     -- Referencing jobs makes PostgreSQL run it; a CTE nobody reads is skipped.
     select id from inserted where (select count(*) from jobs) >= 0`,
    [JSON.stringify(eventRows), JSON.stringify(deliveryRows), DELIVER_TASK, dedupeWindowSeconds],
  );
  return new Set(result.rows.map((row) => row.id));
}

/** For requests that turned out to be repeats: the id of the event they repeat. */
async function findEarlier(client: Queryable, events: NewEvent[], windowSeconds: number): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const keys = events.filter((event) => event.idempotencyKey).map((event) => event.idempotencyKey as string);
  const hashes = events.filter((event) => !event.idempotencyKey && event.bodyHash).map((event) => event.bodyHash as string);
  const byKey = new Map<string, string>();
  if (keys.length > 0) {
    const rows = await client.query<{ id: string; idempotency_key: string }>(
      'select id, idempotency_key from events where idempotency_key = any($1)',
      [keys],
    );
    for (const row of rows.rows) byKey.set(`k:${row.idempotency_key}`, row.id);
  }
  if (hashes.length > 0) {
    const rows = await client.query<{ id: string; body_hash: string }>(
      `select distinct on (body_hash) id, body_hash from events
       where body_hash = any($1) and received_at > now() - make_interval(secs => $2)
       order by body_hash, received_at`,
      [hashes, windowSeconds],
    );
    for (const row of rows.rows) byKey.set(`h:${row.body_hash}`, row.id);
  }
  for (const event of events) {
    const key = event.idempotencyKey ? `k:${event.idempotencyKey}` : `h:${event.bodyHash}`;
    const id = byKey.get(key);
    if (id) found.set(event.id, id);
  }
  return found;
}

interface StormLeader {
  id: string;
  receivedAt: Date;
}

async function findStormLeaders(client: Queryable, events: NewEvent[], windowSeconds: number): Promise<Map<string, StormLeader>> {
  const leaders = new Map<string, StormLeader>();
  const fingerprints = events.map((event) => event.fingerprint).filter((value): value is string => Boolean(value));
  if (fingerprints.length === 0 || windowSeconds <= 0) return leaders;
  const rows = await client.query<{ id: string; fingerprint: string; received_at: Date }>(
    `select distinct on (fingerprint) id, fingerprint, received_at from events
     where fingerprint = any($1) and storm_of is null and received_at > now() - make_interval(secs => $2)
     order by fingerprint, received_at desc`,
    [fingerprints, windowSeconds],
  );
  for (const row of rows.rows) leaders.set(row.fingerprint, { id: row.id, receivedAt: row.received_at });
  return leaders;
}

async function scheduleStormFollowUps(client: Queryable, leaders: StormLeader[], options: WriterOptions): Promise<void> {
  const byLeader = new Map(leaders.map((leader) => [leader.id, leader.receivedAt]));
  for (const [leaderId, receivedAt] of byLeader) {
    const runAt = new Date(receivedAt.getTime() + options.stormWindowSeconds * 1000);
    // One follow-up per storm: the job key makes every further repeat update the same job, not add one.
    await client.query(
      `select graphile_worker.add_job($1, json_build_object('leaderId', $2::text), run_at => $3,
              job_key => $4, job_key_mode => 'preserve_run_at', max_attempts => 25)`,
      [STORM_TASK, leaderId, runAt.toISOString(), `storm:${leaderId}`],
    );
  }
}
