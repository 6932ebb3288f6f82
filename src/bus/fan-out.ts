import type { DeliveryPolicy } from '../config/config.js';
import type { EventType } from '../events/types.js';
import type { Queryable } from '../store/db.js';
import { DELIVER_TASK } from '../store/jobs.js';
import type { StormLeader } from '../store/storms-repo.js';
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
}

export interface WriterOptions {
  dedupeWindowSeconds: number;
  stormWindowSeconds: number;
}

/**
 * The key a repeat is recognised by: the Idempotency-Key when sent, else the body hash (deployments,
 * recommendations), which only dedupes inside the window: with the window at 0 there is none.
 */
export function dedupeKey(event: NewEvent, windowSeconds: number): string | null {
  if (event.idempotencyKey) return `k:${event.idempotencyKey}`;
  return event.bodyHash && windowSeconds > 0 ? `h:${event.bodyHash}` : null;
}

export interface StoredEvent {
  receivedAt: Date;
  started: Array<Omit<StartedDelivery, 'module'>>;
}

/**
 * One statement: claim each event's dedupe key (a live key held by an earlier event makes this one a
 * repeat), insert the events that are not repeats, then their deliveries, and one queue job per event for
 * those its hub does not run itself. Returns the events inserted. Named, so PostgreSQL plans it once per
 * connection.
 */
export async function insertEventsAndDeliveries(
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
       select * from jsonb_to_recordset($1::jsonb) as r(id uuid, type text, parent_id uuid, sender text, raw jsonb, payload jsonb,
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
       insert into events (id, type, parent_id, sender, raw, payload, application_name, cluster, team,
                           idempotency_key, body_hash, fingerprint, storm_of)
       select i.id, i.type, i.parent_id, i.sender, i.raw, i.payload, i.application_name, i.cluster, i.team,
              i.idempotency_key, i.body_hash, i.fingerprint, i.storm_of
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
