import type { Queryable } from './db.js';
import { ownJobSpec } from './deliveries-repo.js';
import { DELIVER_TASK } from './jobs.js';

/**
 * Re-queues finished or failed deliveries (not queued or in progress: those have a job already) with a
 * fresh attempt budget of their module's policy: one statement for any number, with a job each. The attempt a
 * finished delivery ends with moves from its row to the log (the next claim replaces it there), followed by a
 * 'queued' row marked as a replay. Returns the ids replayed.
 */
export async function replayDeliveries(
  client: Queryable,
  deliveryIds: string[],
  policyFor: (module: string) => { maxAttempts: number; maxAgeSeconds: number },
): Promise<string[]> {
  const modules = await client.query<{ module: string }>(
    'select distinct module from deliveries where id = any($1::uuid[])',
    [deliveryIds],
  );
  const policies = modules.rows.map(({ module }) => {
    const policy = policyFor(module);
    return { module, max_attempts: policy.maxAttempts, max_age: policy.maxAgeSeconds };
  });
  const replayed = await client.query<{ id: string }>(
    `with policy as (
       select * from jsonb_to_recordset($2::jsonb) as p(module text, max_attempts int, max_age int)
     ), previous as (
       select id, status, started_at, finished_at, last_error, suppressed_by from deliveries
       where id = any($1::uuid[]) and status not in ('queued', 'in_progress') for update
     ), replayed as (
       update deliveries d set status = 'queued', next_attempt_at = null, updated_at = now(), finished_at = null, event_job = false,
              max_attempts = d.attempts + p.max_attempts, deadline = now() + make_interval(secs => p.max_age)
       from policy p, previous o
       where d.id = o.id and d.module = p.module
       returning d.id, d.attempts, d.module, o.status as previous_status, o.started_at, o.finished_at, o.last_error,
                 o.suppressed_by
     ), logged as (
       insert into delivery_log (delivery_id, status, attempt, at, detail)
       select id, 'in_progress', attempts, started_at, null::jsonb from replayed
         where previous_status in ('succeeded', 'dead', 'skipped', 'suppressed') and started_at is not null
       union all
       select id, previous_status, attempts, finished_at,
              case when previous_status = 'succeeded' then null
                   when previous_status = 'suppressed' then jsonb_build_object('silenceId', suppressed_by)
                   else last_error end
         from replayed where previous_status in ('succeeded', 'dead', 'skipped', 'suppressed')
       union all
       select id, 'queued', attempts, now(), '{"replay": true}'::jsonb from replayed
     ), jobs as (
       select graphile_worker.add_jobs(array(
         select ${ownJobSpec('r', '$3')} from replayed r
       )) as added
     )
     -- Referencing jobs makes PostgreSQL run it; a CTE nobody reads is skipped.
     select id from replayed where (select count(*) from jobs) >= 0`,
    [deliveryIds, JSON.stringify(policies), DELIVER_TASK],
  );
  return replayed.rows.map((row) => row.id);
}
