import type { DeliveryPolicy } from '../config/config.js';
import type { EventType } from '../events/types.js';
import type { Queryable } from './db.js';
import { DELIVER_TASK } from './jobs.js';
import { inPlacementOrder, placeDeployments } from './deployment-placement.js';
import { findStormLeaders, scheduleStormFollowUps, type StormLeader } from './storms-repo.js';
import { postgresJson, postgresText } from '../util/text.js';

/** One event to store, with the deliveries (module runs) to enqueue for it in the same transaction. */
export interface NewEvent {
  id: string;
  type: EventType;
  payload: unknown;
  raw: unknown;
  parentId: string | null;
  /** The authenticated sender of an ingested event. */
  sender?: string | null;
  /** The adapter an ingested event came through (`aspen`, `cdevents`, `github`, `gitlab`): `events.source`. */
  ingestSource?: string | null;
  /** Set when placed: another source reported this deployment first (deployment-placement.ts). */
  sameAs?: string;
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
  /**
   * The hub that runs it at once, itself, with no queue job: it is stored already in progress (its first
   * attempt) and claimed by that hub, which starts it once the event is committed (see 008-one-job-per-event).
   */
  runBy?: string;
  /** Never run by the hub that ingests it, only from the queue (a serial module's: one at a time per hub). */
  queuedOnly?: boolean;
}

/** A delivery stored in progress for the hub that ingested its event to run: what its first attempt needs. */
export interface StartedDelivery {
  id: string;
  module: string;
  maxAttempts: number;
  timeoutMs: number;
  deadline: Date;
}

export interface Accepted {
  eventId: string;
  /** The same request was accepted before; nothing new was stored or sent. */
  duplicate: boolean;
  /** Set when an error was folded into a storm led by this event. */
  stormOf: string | null;
  deliveries: Array<{ id: string; module: string }>;
  /** When the event was stored (null for a repeat). */
  receivedAt: Date | null;
  /** Its deliveries stored in progress for their `runBy` hub, which is to start them now. */
  started: StartedDelivery[];
  /** Another source reported this deployment first: stored as its child, not fanned out again. */
  sameAs?: string;
}

export interface WriterOptions {
  dedupeWindowSeconds: number;
  stormWindowSeconds: number;
  /** Two sources' reports of one deployment this close together are one deployment (0: never). */
  sameDeploymentWindowSeconds: number;
}

/**
 * Stores events and enqueues their deliveries. The common case (no error storms) is one SQL statement, so
 * it needs no explicit transaction: the events, their deliveries and the queue jobs commit together in one
 * round trip; ingested deployments are placed first, in the caller's transaction (deployment-placement.ts).
 * Called only through the event appender (src/bus/appender.ts), the one door events enter by.
 */
export async function writeEvents(client: Queryable, events: NewEvent[], options: WriterOptions): Promise<Accepted[]> {
  return inPlacementOrder(events, (batch) => writeBatch(client, batch, options));
}

async function writeBatch(client: Queryable, events: NewEvent[], options: WriterOptions): Promise<Accepted[]> {
  const results: Array<Accepted | undefined> = new Array(events.length);
  const storms = await findStormLeaders(client, events, options.stormWindowSeconds);

  const fresh: NewEvent[] = [];
  /** Coalesced errors, by event id, and the storm leader each is folded into. */
  const stormOf = new Map<string, StormLeader>();
  const batchKeys = new Map<string, NewEvent>();
  /** Repeats inside this batch, by index, and the batch neighbour they repeat. */
  const repeats = new Map<number, NewEvent>();
  events.forEach((event, index) => {
    const key = dedupeKey(event, options.dedupeWindowSeconds);
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

  await placeDeployments(client, fresh, options.sameDeploymentWindowSeconds);
  const stored =
    fresh.length > 0
      ? await insertEventsAndDeliveries(client, fresh, stormOf, options.dedupeWindowSeconds)
      : new Map<string, StoredEvent>();
  const notStored = fresh.filter((event) => !stored.has(event.id));
  if (notStored.length > 0) {
    // An earlier request (this batch's neighbour, another replica, the dedupe window) holds the same key or body.
    const earlier = await findEarlier(client, notStored, options.dedupeWindowSeconds);
    for (const event of notStored) {
      results[events.indexOf(event)] = {
        eventId: earlier.get(event.id) ?? event.id,
        duplicate: true,
        stormOf: null,
        deliveries: [],
        receivedAt: null,
        started: [],
      };
    }
  }
  const coalesced = fresh.filter((event) => stored.has(event.id) && stormOf.has(event.id));
  if (coalesced.length > 0)
    await scheduleStormFollowUps(
      client,
      coalesced.map((event) => stormOf.get(event.id)!),
      options,
    );
  for (const event of fresh) {
    const row = stored.get(event.id);
    if (!row) continue;
    const leader = stormOf.get(event.id)?.id ?? null;
    const modules = new Map(event.targets.map((target) => [target.deliveryId, target.module]));
    results[events.indexOf(event)] = {
      eventId: event.id,
      duplicate: false,
      stormOf: leader,
      deliveries: leader ? [] : event.targets.map((target) => ({ id: target.deliveryId, module: target.module })),
      receivedAt: row.receivedAt,
      started: row.started.map((started) => ({ ...started, module: modules.get(started.id)! })),
      ...(event.sameAs ? { sameAs: event.sameAs } : {}),
    };
  }
  // A repeat inside the batch gets whatever its neighbour got, which may itself be an earlier event.
  for (const [index, neighbour] of repeats) {
    const answer = results[events.indexOf(neighbour)]!;
    results[index] = {
      eventId: answer.eventId,
      duplicate: true,
      stormOf: null,
      deliveries: [],
      receivedAt: null,
      started: [],
    };
  }
  return results as Accepted[];
}

/**
 * The key a repeat is recognised by: the Idempotency-Key when sent, else the body hash (deployments,
 * recommendations), which only dedupes inside the window: with the window at 0 there is none.
 */
function dedupeKey(event: NewEvent, windowSeconds: number): string | null {
  if (event.idempotencyKey) return `k:${event.idempotencyKey}`;
  return event.bodyHash && windowSeconds > 0 ? `h:${event.bodyHash}` : null;
}

interface StoredEvent {
  receivedAt: Date;
  started: Array<Omit<StartedDelivery, 'module'>>;
}

/**
 * One statement: claim each event's dedupe key (a live key held by an earlier event makes this one a
 * repeat), insert the events that are not repeats, then their deliveries, and one queue job per event for
 * those its hub does not run itself. Returns the events inserted. Named, so PostgreSQL plans it once per
 * connection.
 */
async function insertEventsAndDeliveries(
  client: Queryable,
  events: NewEvent[],
  stormOf: Map<string, StormLeader>,
  dedupeWindowSeconds: number,
): Promise<Map<string, StoredEvent>> {
  const eventRows = events.map((event) => ({
    id: event.id,
    type: event.type,
    parent_id: event.parentId,
    sender: event.sender ?? null,
    source: event.ingestSource ?? null,
    raw: event.raw ?? null,
    payload: event.payload,
    // Derived events' columns come from modules' payloads, which nobody validated.
    application_name: postgresText(event.applicationName),
    cluster: postgresText(event.cluster),
    team: postgresText(event.team),
    idempotency_key: event.idempotencyKey ?? null,
    body_hash: event.idempotencyKey ? null : (event.bodyHash ?? null),
    fingerprint: event.fingerprint ?? null,
    storm_of: stormOf.get(event.id)?.id ?? null,
    dedupe_key: dedupeKey(event, dedupeWindowSeconds),
    key_ttl: event.idempotencyKey ? null : dedupeWindowSeconds,
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
        run_by: target.runBy ?? null,
      })),
    );
  const result = await client.query<{
    id: string;
    received_at: Date;
    started: Array<{ id: string; max_attempts: number; timeout_ms: number; deadline: string }> | null;
  }>({
    name: 'alvares:insert-events',
    text: `with input as (
       select * from jsonb_to_recordset($1::jsonb) as r(id uuid, type text, parent_id uuid, sender text, source text, raw jsonb, payload jsonb,
            application_name text, cluster text, team text, idempotency_key text, body_hash text,
            fingerprint text, storm_of uuid, dedupe_key text, key_ttl int)
     ), claimed as (
       -- An expired key (a body hash past its window) is taken over; a live one makes the event a repeat.
       insert into event_keys as k (key, event_id, expires_at)
       select dedupe_key, id, case when key_ttl is null then 'infinity' else now() + make_interval(secs => key_ttl) end
       from input where dedupe_key is not null
       on conflict (key) do update set event_id = excluded.event_id, expires_at = excluded.expires_at
         where k.expires_at <= now()
       returning event_id
     ), inserted as (
       -- clock_timestamp(), not the transaction's now(): events written in one transaction keep their order
       -- (a deployment placed after another of its application in the same batch is later, see writeEvents)
       insert into events (id, type, parent_id, sender, source, raw, payload, application_name, cluster, team,
                           idempotency_key, body_hash, fingerprint, storm_of, received_at)
       select i.id, i.type, i.parent_id, i.sender, i.source, i.raw, i.payload, i.application_name, i.cluster, i.team,
              i.idempotency_key, i.body_hash, i.fingerprint, i.storm_of, clock_timestamp()
       from input i
       where i.dedupe_key is null or i.id in (select event_id from claimed)
       returning id, received_at
     ), targets as (
       select t.* from jsonb_to_recordset($2::jsonb) as t(id uuid, event_id uuid, module text, max_attempts int,
              timeout_ms int, max_age int, run_by text)
       join inserted on inserted.id = t.event_id
     ), delivered as (
       -- 'queued' needs no lifecycle row: created_at says when. One its hub runs at once is stored as that
       -- first attempt, in progress and claimed (see 008-one-job-per-event).
       insert into deliveries (id, event_id, module, status, attempts, started_at, claimed_by, max_attempts, timeout_ms, deadline, event_job)
       select id, event_id, module, case when run_by is null then 'queued' else 'in_progress' end,
              case when run_by is null then 0 else 1 end, case when run_by is null then null else now() end, run_by,
              max_attempts, timeout_ms, now() + make_interval(secs => max_age), run_by is null
       from targets
       returning id, event_id, max_attempts, timeout_ms, deadline, claimed_by is not null as started
     ), jobs as (
       -- One job per event runs the deliveries its hub does not: a job costs the queue an insert, a fetch and a delete.
       select graphile_worker.add_jobs(array(
         select row($3, json_build_object('deliveries', json_agg(json_build_object('id', t.id, 'module', t.module) order by t.module)),
                    null, null, 25, null, 0, null)::graphile_worker.job_spec
         from targets t where t.run_by is null group by t.event_id
       )) as added
       where exists (select 1 from targets where run_by is null)
     )
     -- Referencing jobs makes PostgreSQL run it; a CTE nobody reads is skipped.
     select i.id, i.received_at,
            (select json_agg(json_build_object('id', d.id, 'max_attempts', d.max_attempts, 'timeout_ms', d.timeout_ms, 'deadline', d.deadline))
             from delivered d where d.event_id = i.id and d.started) as started
     from inserted i where (select count(*) from jobs) >= 0`,
    values: [postgresJson(eventRows), JSON.stringify(deliveryRows), DELIVER_TASK],
  });
  return new Map(
    result.rows.map((row) => [
      row.id,
      {
        receivedAt: row.received_at,
        started: (row.started ?? []).map((started) => ({
          id: started.id,
          maxAttempts: started.max_attempts,
          timeoutMs: started.timeout_ms,
          deadline: new Date(started.deadline),
        })),
      },
    ]),
  );
}

/** For requests that turned out to be repeats: the id of the event holding their key. */
async function findEarlier(client: Queryable, events: NewEvent[], windowSeconds: number): Promise<Map<string, string>> {
  const keys = events.map((event) => dedupeKey(event, windowSeconds)).filter((key): key is string => key !== null);
  const rows = await client.query<{ key: string; event_id: string }>(
    'select key, event_id from event_keys where key = any($1)',
    [keys],
  );
  const byKey = new Map(rows.rows.map((row) => [row.key, row.event_id]));
  const found = new Map<string, string>();
  for (const event of events) {
    const id = byKey.get(dedupeKey(event, windowSeconds) ?? '');
    if (id) found.set(event.id, id);
  }
  return found;
}
