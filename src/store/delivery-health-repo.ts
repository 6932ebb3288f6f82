import type { Db } from './db.js';

export interface ModuleHealth {
  module: string;
  /** Deliveries that gave up in the last hour. */
  deadLastHour: number;
  /** Age of the oldest delivery still queued, in seconds (0: none). */
  oldestQueuedSeconds: number;
  /** Deliveries that ended in the last 15 minutes, and how many of them failed (dead, or an attempt that failed). */
  endedLast15Min: number;
  failedLast15Min: number;
}

/** The figures of the hub's self-check (core.deliveries), per module. */
export async function moduleHealth(db: Db, modules: string[]): Promise<ModuleHealth[]> {
  const rows = await db.query<{ name: string; dead: number; oldest: number; ended: number; failed: number }>(
    `select m.name,
       (select count(*)::int from deliveries d where d.module = m.name and d.status = 'dead' and d.finished_at > now() - interval '1 hour') as dead,
       (select coalesce(extract(epoch from now() - min(d.created_at)), 0)::int from deliveries d where d.module = m.name and d.status = 'queued') as oldest,
       (select count(*)::int from deliveries d where d.module = m.name and d.updated_at > now() - interval '15 minutes'
          and d.status in ('succeeded', 'dead', 'failed')) as ended,
       (select count(*)::int from deliveries d where d.module = m.name and d.updated_at > now() - interval '15 minutes'
          and d.status in ('dead', 'failed')) as failed
     from unnest($1::text[]) as m(name)`,
    [modules],
  );
  return rows.rows.map((row) => ({
    module: row.name,
    deadLastHour: row.dead,
    oldestQueuedSeconds: row.oldest,
    endedLast15Min: row.ended,
    failedLast15Min: row.failed,
  }));
}
