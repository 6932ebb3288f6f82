import type { Queryable } from './db.js';
import { ownJobSpec } from './deliveries-repo.js';
import { DELIVER_TASK } from './jobs.js';
import { postgresJson } from '../util/text.js';

/** A module that takes a dead delivery's sends over, with its delivery policy. */
export interface StandIn {
  module: string;
  maxAttempts: number;
  timeoutMs: number;
  maxAgeSeconds: number;
}

/**
 * A dead delivery's stand-ins (a route's fallback, migration notify-004-fallback), in the transaction that records
 * it dead: one delivery per module, each with a job of its own, and the switch in the dead one's log. A stand-in
 * that exists already (a replay of the dead one went dead again) is not added twice, and nothing is logged for it.
 * Either way the dead delivery's messages still waiting for their address's turn are withdrawn, so a later digest
 * of that address cannot post them after all. Answers the stand-ins added.
 */
export async function addStandIns(
  client: Queryable,
  dead: { id: string; eventId: string; module: string; attempt: number },
  reason: string,
  standIns: StandIn[],
): Promise<Array<{ id: string; module: string }>> {
  const rows = standIns.map((standIn) => ({
    module: standIn.module,
    max_attempts: standIn.maxAttempts,
    timeout_ms: standIn.timeoutMs,
    max_age: standIn.maxAgeSeconds,
  }));
  const result = await client.query<{ added: Array<{ id: string; module: string }> | null }>(
    `with wanted as (
       select * from jsonb_to_recordset($1::jsonb) as w(module text, max_attempts int, timeout_ms int, max_age int)
     ), added as (
       insert into deliveries (id, event_id, module, status, attempts, max_attempts, timeout_ms, deadline, event_job,
                               fallback_for, fallback_from, fallback_reason)
       select gen_random_uuid(), $2, w.module, 'queued', 0, w.max_attempts, w.timeout_ms,
              now() + make_interval(secs => w.max_age), false, $3, $4, $5
       from wanted w
       on conflict (event_id, module, fallback_for) do nothing
       returning id, module
     ), logged as (
       insert into delivery_log (delivery_id, status, attempt, detail)
       select $3, 'fallback', $6, jsonb_build_object('to', a.module, 'deliveryId', a.id, 'reason', $5::text) from added a
     ), withdrawn as (
       -- No index on delivery_id: this runs only when a delivery falls back, and an index would cost every post.
       delete from notify_queue where delivery_id = $3 and done_at is null
         and (exists (select 1 from added) or exists (select 1 from deliveries where event_id = $2 and fallback_for = $3))
     ), jobs as (
       select graphile_worker.add_jobs(array(select ${ownJobSpec('a', '$7')} from added a)) as n
       where exists (select 1 from added)
     )
     select (select json_agg(json_build_object('id', a.id, 'module', a.module)) from added a) as added
     where (select count(*) from jobs) >= 0`,
    [postgresJson(rows), dead.eventId, dead.id, dead.module, reason, dead.attempt, DELIVER_TASK],
  );
  return result.rows[0]?.added ?? [];
}
