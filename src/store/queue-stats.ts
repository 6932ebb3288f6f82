import type { Db } from './db.js';
import { DELIVER_TASK } from './jobs.js';

export interface QueueDepth {
  module: string;
  /** Deliveries due now and not started by any hub. */
  depth: number;
  /** How long the oldest of them has been due, in seconds (0 when none). */
  oldestAgeSeconds: number;
}

/**
 * Read at scrape time and with each heartbeat, so it must stay cheap: graphile-worker's job table holds only
 * work not yet done (finished jobs are deleted), and each job finds its delivery by primary key. A job a hub
 * has fetched into its local queue is locked but not started: counted here while its delivery is queued.
 */
export async function deliveryQueueDepth(db: Db): Promise<QueueDepth[]> {
  const rows = await db.query<{ module: string | null; depth: number; oldest: number }>(
    `select d.module, count(*)::int as depth,
            coalesce(extract(epoch from now() - min(j.run_at)), 0)::float8 as oldest
     from graphile_worker._private_jobs j
     join graphile_worker._private_tasks t on t.id = j.task_id
     -- An event's job lists its deliveries; a delivery's own job names one.
     cross join lateral (
       select (item->>'id')::uuid as id from json_array_elements(j.payload->'deliveries') item
       union all select (j.payload->>'deliveryId')::uuid where j.payload->>'deliveryId' is not null
     ) listed
     join deliveries d on d.id = listed.id
     where t.identifier = $1 and j.run_at <= now() and d.status = 'queued'
     group by 1`,
    [DELIVER_TASK],
  );
  return rows.rows.map((row) => ({
    module: row.module ?? 'unknown',
    depth: row.depth,
    oldestAgeSeconds: Math.max(0, row.oldest),
  }));
}
