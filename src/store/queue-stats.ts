import type { Db } from './db.js';
import { DELIVER_TASK } from './jobs.js';

export interface QueueDepth {
  module: string;
  /** Delivery jobs due now and not taken by any hub. */
  depth: number;
  /** How long the oldest of them has been due, in seconds (0 when none). */
  oldestAgeSeconds: number;
}

/**
 * Read at scrape time and with each heartbeat, so it must stay cheap: graphile-worker's job table holds only
 * jobs not yet done (finished ones are deleted), so this scans pending work, never history.
 */
export async function deliveryQueueDepth(db: Db): Promise<QueueDepth[]> {
  const rows = await db.query<{ module: string | null; depth: number; oldest: number }>(
    `select payload->>'module' as module, count(*)::int as depth,
            coalesce(extract(epoch from now() - min(run_at)), 0)::float8 as oldest
     from graphile_worker.jobs
     where task_identifier = $1 and locked_at is null and run_at <= now() and attempts < max_attempts
     group by 1`,
    [DELIVER_TASK],
  );
  return rows.rows.map((row) => ({ module: row.module ?? 'unknown', depth: row.depth, oldestAgeSeconds: Math.max(0, row.oldest) }));
}
