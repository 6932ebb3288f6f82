import type { CheckResult, DeliveryErrorInfo, DeliveryStatus, EventType } from '../events/types.js';
import type { Db, Queryable } from './db.js';
import { DELIVER_TASK } from './jobs.js';
import { postgresJson } from '../util/text.js';

/**
 * Every statement about deliveries: claiming them for a run, recording how the run ended, putting them back
 * (a retry, a deferral, a replay), and the lookups of the admin routes and of modules. Claims and outcomes
 * take many deliveries per statement (the delivery engine batches them); they touch rows by key only.
 */

/** Where a module's own delivery of an event stands (ModuleContext.ownDelivery). */
export interface OwnDelivery {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
}

export type FinalStatus = Extract<DeliveryStatus, 'succeeded' | 'dead' | 'skipped'>;

export interface Outcome {
  id: string;
  status: FinalStatus;
  result: CheckResult | null;
  error: DeliveryErrorInfo | null;
  durationMs: number;
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
}

/**
 * Claims deliveries for running: in progress, one more attempt, and its lifecycle row, in one statement for
 * every delivery starting at the same moment. In progress is claimable too: a hub that died mid-delivery
 * left it so, and its job was unlocked for us. Null for a delivery already finished (a job run twice).
 */
export async function claimDeliveries(db: Db, ids: string[]): Promise<Array<ClaimedDelivery | null>> {
  const result = await db.query<ClaimedDelivery>({
    name: 'alvares:claim-deliveries',
    text: `with claimed as (
       update deliveries d set status = 'in_progress', attempts = d.attempts + 1, started_at = now(),
              updated_at = now(), next_attempt_at = null
       where d.id = any($1::uuid[]) and d.status in ('queued', 'failed', 'in_progress')
       returning d.id, d.module, d.attempts, d.max_attempts, d.timeout_ms, d.deadline, d.event_id
     ), logged as (
       insert into delivery_log (delivery_id, status, attempt) select id, 'in_progress', attempts from claimed
     )
     -- A lateral lookup per claimed row keeps to the primary key; a join let PostgreSQL hash the whole
     -- events table while its statistics still described an empty one.
     select c.*, e.type, e.payload, e.received_at, e.parent_id, e.raw
     from claimed c
     cross join lateral (select type, payload, received_at, parent_id, raw from events where id = c.event_id offset 0) e`,
    values: [ids],
  });
  const byId = new Map(result.rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Final states and their lifecycle rows. A success clears the error of an earlier attempt (the lifecycle keeps it). */
export async function recordOutcomes(client: Queryable, outcomes: Outcome[]): Promise<void> {
  const rows = outcomes.map((outcome) => ({
    id: outcome.id,
    status: outcome.status,
    result: outcome.result,
    error: outcome.error,
    duration_ms: outcome.durationMs,
  }));
  await client.query({
    name: 'alvares:record-outcomes',
    text: `with input as (
       select * from jsonb_to_recordset($1::jsonb) as r(id uuid, status text, result jsonb, error jsonb, duration_ms int)
     ), done as (
       update deliveries d set status = i.status, result = i.result,
              last_error = case when i.status = 'succeeded' then null else coalesce(i.error, d.last_error) end,
              finished_at = now(), duration_ms = i.duration_ms, updated_at = now()
       -- The id list gives PostgreSQL an index path even while its statistics still describe an empty table.
       from input i where d.id = i.id and d.id = any($2::uuid[])
       returning d.id, d.attempts, i.status, i.error
     )
     insert into delivery_log (delivery_id, status, attempt, detail) select id, status, attempts, error from done`,
    values: [postgresJson(rows), rows.map((row) => row.id)],
  });
}

/** A failed attempt with another to come: the error, the lifecycle row and the job for `nextAt`, together. */
export async function scheduleRetry(
  db: Db,
  delivery: { id: string; module: string },
  error: DeliveryErrorInfo,
  nextAt: Date,
  durationMs: number,
): Promise<void> {
  await db.query(
    `with failed as (
       update deliveries set status = 'failed', last_error = $2, next_attempt_at = $3, duration_ms = $4, updated_at = now()
       where id = $1 returning id, attempts
     ), logged as (
       insert into delivery_log (delivery_id, status, attempt, detail) select id, 'failed', attempts, $5 from failed
     )
     select graphile_worker.add_job($6, json_build_object('deliveryId', $1::text, 'module', $7::text), run_at => $3,
            job_key => 'delivery:' || $1::text, max_attempts => 25)
     from failed`,
    [delivery.id, postgresJson(error), nextAt, durationMs, postgresJson({ ...error, nextAttemptAt: nextAt.toISOString() }), DELIVER_TASK, delivery.module],
  );
}

/**
 * A claimed delivery that asked to wait (its channel's turn, a busy serial module): back to queued with the
 * attempt it was given taken back, and a job for later. Deferrals write no lifecycle row: a flood waiting
 * its turn would otherwise write one per wait.
 */
export async function deferDelivery(db: Db, delivery: { id: string; module: string }, delayMs: number): Promise<void> {
  await db.query(
    `with deferred as (
       update deliveries set status = 'queued', attempts = greatest(attempts - 1, 0), next_attempt_at = now() + make_interval(secs => $3),
              updated_at = now()
       where id = $1 and status = 'in_progress' returning id
     ), unlogged as (
       -- The claim's 'in_progress' row: this was not an attempt.
       delete from delivery_log where id = (select max(id) from delivery_log where delivery_id = $1 and status = 'in_progress')
         and exists (select 1 from deferred)
     )
     select graphile_worker.add_job($2, json_build_object('deliveryId', $1::text, 'module', $4::text),
            run_at => now() + make_interval(secs => $3), job_key => 'delivery:' || $1::text, max_attempts => 25)
     from deferred`,
    [delivery.id, DELIVER_TASK, delayMs / 1000, delivery.module],
  );
}

/** A job for a delivery not yet claimed, again after `delaySeconds` (a serial module busy in this hub). */
export async function requeueJob(db: Db, delivery: { id: string; module: string }, delaySeconds: number): Promise<void> {
  await db.query(
    `select graphile_worker.add_job($1, json_build_object('deliveryId', $2::text, 'module', $3::text),
            run_at => now() + make_interval(secs => $4), job_key => 'delivery:' || $2::text, max_attempts => 25)`,
    [DELIVER_TASK, delivery.id, delivery.module, delaySeconds],
  );
}

/**
 * Re-queues finished or failed deliveries (not queued or in progress: those have a job already) with a
 * fresh attempt budget of their module's policy: one statement for any number, with a 'queued' lifecycle
 * row marked as a replay and a job each. Returns the ids replayed.
 */
export async function replayDeliveries(
  client: Queryable,
  deliveryIds: string[],
  policyFor: (module: string) => { maxAttempts: number; maxAgeSeconds: number },
): Promise<string[]> {
  const modules = await client.query<{ module: string }>('select distinct module from deliveries where id = any($1::uuid[])', [deliveryIds]);
  const policies = modules.rows.map(({ module }) => {
    const policy = policyFor(module);
    return { module, max_attempts: policy.maxAttempts, max_age: policy.maxAgeSeconds };
  });
  const replayed = await client.query<{ id: string }>(
    `with policy as (
       select * from jsonb_to_recordset($2::jsonb) as p(module text, max_attempts int, max_age int)
     ), replayed as (
       update deliveries d set status = 'queued', next_attempt_at = null, updated_at = now(), finished_at = null,
              max_attempts = d.attempts + p.max_attempts, deadline = now() + make_interval(secs => p.max_age)
       from policy p
       where d.id = any($1::uuid[]) and d.module = p.module and d.status not in ('queued', 'in_progress')
       returning d.id, d.attempts, d.module
     ), logged as (
       insert into delivery_log (delivery_id, status, attempt, detail)
       select id, 'queued', attempts, '{"replay": true}' from replayed
     ), jobs as (
       select graphile_worker.add_jobs(array(
         select row($3, json_build_object('deliveryId', r.id, 'module', r.module), null, null, 25, 'delivery:' || r.id, 0, null)::graphile_worker.job_spec
         from replayed r
       )) as added
     )
     -- Referencing jobs makes PostgreSQL run it; a CTE nobody reads is skipped.
     select id from replayed where (select count(*) from jobs) >= 0`,
    [deliveryIds, JSON.stringify(policies), DELIVER_TASK],
  );
  return replayed.rows.map((row) => row.id);
}

/** Ids of one module's deliveries in one state (a bulk replay of the dead ones). */
export async function deliveryIdsOf(db: Db, module: string, status: DeliveryStatus): Promise<string[]> {
  const rows = await db.query<{ id: string }>('select id from deliveries where module = $1 and status = $2', [module, status]);
  return rows.rows.map((row) => row.id);
}

export interface DeliveryView {
  id: string;
  eventId: string;
  module: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  lastError: unknown;
  result: unknown;
  lifecycle: Array<{ at: string; status: string; attempt: number; detail: unknown }>;
}

export async function findDeliveries(
  db: Db,
  filter: { eventId?: string; deliveryId?: string; module?: string; status?: string; limit?: number },
): Promise<DeliveryView[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.eventId) add('d.event_id = ?', filter.eventId);
  if (filter.deliveryId) add('d.id = ?', filter.deliveryId);
  if (filter.module) add('d.module = ?', filter.module);
  if (filter.status) add('d.status = ?', filter.status);
  params.push(filter.limit ?? 500);
  const rows = await db.query(
    `select d.*, coalesce((select json_agg(json_build_object('at', l.at, 'status', l.status, 'attempt', l.attempt,
                                                            'detail', l.detail) order by l.id)
                           from delivery_log l where l.delivery_id = d.id), '[]') as lifecycle
     from deliveries d ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
     order by d.created_at, d.module limit $${params.length}`,
    params,
  );
  return rows.rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    module: row.module,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationMs: row.duration_ms,
    lastError: row.last_error,
    result: row.result,
    lifecycle: row.lifecycle,
  }));
}

export async function findOwnDelivery(db: Db, eventId: string, module: string): Promise<OwnDelivery | null> {
  if (!isUuid(eventId)) return null;
  const rows = await db.query<{ status: DeliveryStatus; attempts: number; next_attempt_at: Date | null }>(
    'select status, attempts, next_attempt_at from deliveries where event_id = $1 and module = $2',
    [eventId, module],
  );
  const row = rows.rows[0];
  return row ? { status: row.status, attempts: row.attempts, nextAttemptAt: row.next_attempt_at } : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
