import type { CheckResult, DeliveryErrorInfo, DeliveryStatus, EventType } from '../events/types.js';
import type { Db, Queryable } from './db.js';
import { DELIVER_TASK } from './jobs.js';
import { postgresJson } from '../util/text.js';

/**
 * Every write of deliveries: claiming them for a run, recording how the run ended, putting them back (a retry,
 * a deferral, a replay). Claims and outcomes take many deliveries per statement (the delivery engine batches
 * them); they touch rows by key only. The reads are in delivery-views.ts.
 *
 * The lifecycle a delivery shows is its row plus its log: the row says when it was queued and holds the
 * current attempt (started, ended, status, error); `delivery_log` keeps only what the row no longer tells
 * (attempts that failed before a retry, an attempt a dead hub left, the attempt a replay starts over from,
 * and the replays), written by the statement that replaces it. A first attempt that succeeds writes no log.
 */

export type FinalStatus = Extract<DeliveryStatus, 'succeeded' | 'dead' | 'skipped' | 'suppressed'>;

export interface Outcome {
  id: string;
  status: FinalStatus;
  result: CheckResult | null;
  error: DeliveryErrorInfo | null;
  durationMs: number;
  /** The silence that held a `suppressed` delivery. */
  suppressedBy?: string | null;
}

export interface ClaimedDelivery {
  id: string;
  module: string;
  attempts: number;
  max_attempts: number;
  timeout_ms: number;
  deadline: Date;
  event_id: string;
  type: EventType;
  payload: unknown;
  received_at: Date;
  parent_id: string | null;
  raw: unknown;
  /** The event's summary columns (a check's outcome carries its deployment's); absent for a local run. */
  application_name?: string | null;
  cluster?: string | null;
  team?: string | null;
  /** Set when a silence held this delivery before: a replay of it is sent, not held again. */
  suppressed_by?: string | null;
  /** Set on a delivery standing in for another module's dead one (a route's fallback): that one and its module. */
  fallback_for?: string | null;
  fallback_from?: string | null;
}

/** A delivery to claim, and whether it is claimed by its event's job (see 008-one-job-per-event) or its own. */
export interface ClaimRequest {
  id: string;
  viaEvent: boolean;
}

/**
 * Claims deliveries for running: in progress, one more attempt, in one statement for every delivery starting at
 * the same moment. In progress is claimable too: a hub that died mid-delivery left it so, and its job was
 * unlocked for us; that abandoned attempt goes to the log, since the row's start is about to be replaced. Null
 * for a delivery already finished (a job run twice) or run by another job (one that left its event's job).
 */
export async function claimDeliveries(db: Db, requests: ClaimRequest[]): Promise<Array<ClaimedDelivery | null>> {
  const ids = requests.map((request) => request.id);
  const result = await db.query<ClaimedDelivery>({
    name: 'alvares:claim-deliveries',
    text: `with input as (
       select * from unnest($1::uuid[], $2::boolean[]) as i(id, via_event)
     ), previous as (
       -- Not one a living hub runs itself (claimed_by): the sweep clears that before giving it a job.
       select d.id, d.status, d.started_at from deliveries d join input i on i.id = d.id
       where d.id = any($1::uuid[]) and d.event_job = i.via_event and d.status in ('queued', 'failed', 'in_progress')
         and d.claimed_by is null
       for update of d
     ), claimed as (
       update deliveries d set status = 'in_progress', attempts = d.attempts + 1, started_at = now(),
              updated_at = now(), next_attempt_at = null
       from previous p where d.id = p.id and d.id = any($1::uuid[])
       returning d.id, d.module, d.attempts, d.max_attempts, d.timeout_ms, d.deadline, d.event_id, d.suppressed_by,
                 d.fallback_for, d.fallback_from, p.status as previous_status, p.started_at as previous_started_at
     ), abandoned as (
       insert into delivery_log (delivery_id, status, attempt, at)
       select id, 'in_progress', attempts - 1, previous_started_at from claimed where previous_status = 'in_progress'
     )
     -- A lateral lookup per claimed row keeps to the primary key; a join let PostgreSQL hash the whole
     -- events table while its statistics still described an empty one.
     select c.id, c.module, c.attempts, c.max_attempts, c.timeout_ms, c.deadline, c.event_id, c.suppressed_by,
            c.fallback_for, c.fallback_from, e.type, e.payload,
            e.received_at, e.parent_id, e.raw, e.application_name, e.cluster, e.team
     from claimed c
     cross join lateral (select type, payload, received_at, parent_id, raw, application_name, cluster, team
                         from events where id = c.event_id offset 0) e`,
    values: [ids, requests.map((request) => request.viaEvent)],
  });
  const byId = new Map(result.rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * Final states, on the rows only: the row holds its last attempt (the lifecycle reads it from there). A success
 * clears the error of an earlier attempt (the log keeps that attempt).
 */
export async function recordOutcomes(client: Queryable, outcomes: Outcome[]): Promise<void> {
  const rows = outcomes.map((outcome) => ({
    id: outcome.id,
    status: outcome.status,
    result: outcome.result,
    error: outcome.error,
    duration_ms: outcome.durationMs,
    suppressed_by: outcome.suppressedBy ?? null,
  }));
  await client.query({
    name: 'alvares:record-outcomes',
    text: `with input as (
       select * from jsonb_to_recordset($1::jsonb) as r(id uuid, status text, result jsonb, error jsonb, duration_ms int, suppressed_by uuid)
     )
     update deliveries d set status = i.status, result = i.result,
            last_error = case when i.status = 'succeeded' then null else coalesce(i.error, d.last_error) end,
            finished_at = now(), duration_ms = i.duration_ms, updated_at = now(), claimed_by = null,
            -- Kept after a replay: the page still tells that a silence held it once.
            suppressed_by = coalesce(i.suppressed_by, d.suppressed_by)
     -- The id list gives PostgreSQL an index path even while its statistics still describe an empty table.
     from input i where d.id = i.id and d.id = any($2::uuid[])`,
    values: [postgresJson(rows), rows.map((row) => row.id)],
  });
}

/**
 * A failed attempt with another to come: the error, the attempt into the log (its start and its failure: the
 * next claim replaces the row's), and a job of its own for `nextAt`, together.
 */
export async function scheduleRetry(
  db: Db,
  delivery: { id: string; module: string },
  error: DeliveryErrorInfo,
  nextAt: Date,
  durationMs: number,
): Promise<void> {
  await db.query(
    `with failed as (
       update deliveries set status = 'failed', last_error = $2, next_attempt_at = $3, duration_ms = $4, updated_at = now(),
              event_job = false, claimed_by = null
       where id = $1 returning id, attempts, started_at
     ), logged as (
       insert into delivery_log (delivery_id, status, attempt, at, detail)
       select id, 'in_progress', attempts, started_at, null::jsonb from failed
       union all select id, 'failed', attempts, now(), $5::jsonb from failed
     )
     select graphile_worker.add_job($6, json_build_object('deliveryId', $1::text, 'module', $7::text), run_at => $3,
            job_key => 'delivery:' || $1::text, max_attempts => 25)
     from failed`,
    [
      delivery.id,
      postgresJson(error),
      nextAt,
      durationMs,
      postgresJson({ ...error, nextAttemptAt: nextAt.toISOString() }),
      DELIVER_TASK,
      delivery.module,
    ],
  );
}

/**
 * A claimed delivery that asked to wait (its channel's turn, a busy serial module): back to queued with the
 * attempt it was given taken back, and a job of its own for later. Nothing is logged: the claim wrote nothing
 * (but for an abandoned attempt, which stays), and a flood waiting its turn would otherwise log every wait.
 */
export async function deferDelivery(db: Db, delivery: { id: string; module: string }, delayMs: number): Promise<void> {
  await db.query(
    `with deferred as (
       update deliveries set status = 'queued', attempts = greatest(attempts - 1, 0), next_attempt_at = now() + make_interval(secs => $3),
              updated_at = now(), event_job = false, claimed_by = null
       where id = $1 and status = 'in_progress' returning id
     )
     select graphile_worker.add_job($2, json_build_object('deliveryId', $1::text, 'module', $4::text),
            run_at => now() + make_interval(secs => $3), job_key => 'delivery:' || $1::text, max_attempts => 25)
     from deferred`,
    [delivery.id, DELIVER_TASK, delayMs / 1000, delivery.module],
  );
}

/** A job of its own for a delivery not yet claimed, after `delaySeconds` (a serial module busy in this hub). */
export async function requeueJob(
  db: Db,
  delivery: { id: string; module: string },
  delaySeconds: number,
): Promise<void> {
  await db.query(
    `with moved as (
       -- Out of its event's job, whose re-run must not claim it as well.
       update deliveries set event_job = false where id = $2 and event_job
     )
     select graphile_worker.add_job($1, json_build_object('deliveryId', $2::text, 'module', $3::text),
            run_at => now() + make_interval(secs => $4), job_key => 'delivery:' || $2::text, max_attempts => 25)`,
    [DELIVER_TASK, delivery.id, delivery.module, delaySeconds],
  );
}

/**
 * The job of its own a delivery gets when it leaves its event's job (`alias` a row with its id and module):
 * keyed by the delivery, so it never has two.
 */
export function ownJobSpec(alias: string, taskParameter: string): string {
  return `row(${taskParameter}, json_build_object('deliveryId', ${alias}.id, 'module', ${alias}.module), null, null, 25, 'delivery:' || ${alias}.id, 0, null)::graphile_worker.job_spec`;
}

/**
 * Deliveries a hub was running itself (claimed_by) that it will not finish: those of the given hubs (one that
 * stops with them still running), the given ones (whose end could not be recorded), or those of every hub
 * silent for `silentForSeconds` (dead, or its row gone). Each
 * gets a job of its own, whose claim takes the abandoned attempt over (and logs it). Idempotent, so every hub
 * may run it with each heartbeat: the partial index holds only deliveries running that way right now.
 * Answers how many.
 */
export async function requeueClaimed(
  db: Db,
  of: { hubs: string[] } | { deliveries: string[] } | { silentForSeconds: number },
): Promise<number> {
  const result = await db.query<{ moved: number }>(
    `with moved as (
       update deliveries d set claimed_by = null, event_job = false
       where d.claimed_by is not null and d.status = 'in_progress'
         and (d.claimed_by = any($1::text[]) or d.id = any($4::uuid[])
              or ($3::int is not null and not exists (
                    select 1 from hub_instances h where h.id = d.claimed_by and h.heartbeat_at >= now() - make_interval(secs => $3))))
       returning d.id, d.module
     ), jobs as (
       select graphile_worker.add_jobs(array(
         select ${ownJobSpec('m', '$2')} from moved m
       )) as added
       where exists (select 1 from moved)
     )
     select (select count(*)::int from moved) as moved where (select count(*) from jobs) >= 0`,
    [
      'hubs' in of ? of.hubs : [],
      DELIVER_TASK,
      'silentForSeconds' in of ? of.silentForSeconds : null,
      'deliveries' in of ? of.deliveries : [],
    ],
  );
  return result.rows[0]?.moved ?? 0;
}
