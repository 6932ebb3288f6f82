import type { Db } from './db.js';

/** Keys of every inspection and external check by their current status: the inspection-state gauge. */
export async function countKeysByStatus(db: Db): Promise<Array<{ check: string; status: string; count: number }>> {
  const { rows } = await db.query<{ check: string; status: string; count: string }>(
    `select check_name as check, status, count(*) as count from inspection_state group by check_name, status`,
  );
  return rows.map((row) => ({ check: row.check, status: row.status, count: Number(row.count) }));
}

/** Runs of inspections and external checks in progress now, across every replica, by check. */
export async function countOpenRuns(db: Db): Promise<Array<{ check: string; kind: string; count: number }>> {
  const { rows } = await db.query<{ check: string; kind: string; count: string }>(
    `select check_name as check, kind, count(*) as count from check_runs where status in ('queued', 'in_progress') group by check_name, kind`,
  );
  return rows.map((row) => ({ check: row.check, kind: row.kind, count: Number(row.count) }));
}
