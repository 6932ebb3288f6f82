import type { Db } from './db.js';

/** The hub_instances table: one row per running hub, kept fresh by its heartbeat. */
export async function recordHeartbeat(db: Db, id: string, workerIds: string[]): Promise<void> {
  await db.query(
    `insert into hub_instances (id, worker_ids, heartbeat_at) values ($1, $2, now())
     on conflict (id) do update set worker_ids = excluded.worker_ids, heartbeat_at = now()`,
    [id, workerIds],
  );
}

/** Removes hubs silent for `deadAfterSeconds` and unlocks the queue jobs they held; answers their ids. */
export async function sweepDeadReplicas(db: Db, deadAfterSeconds: number): Promise<string[]> {
  const dead = await db.query<{ id: string; worker_ids: string[] }>(
    `delete from hub_instances where heartbeat_at < now() - make_interval(secs => $1) returning id, worker_ids`,
    [deadAfterSeconds],
  );
  const workerIds = dead.rows.flatMap((row) => row.worker_ids);
  if (workerIds.length > 0) await unlockWorkers(db, workerIds);
  return dead.rows.map((row) => row.id);
}

export async function unlockWorkers(db: Db, workerIds: string[]): Promise<void> {
  await db.query('select graphile_worker.force_unlock_workers($1::text[])', [workerIds]);
}

export async function forgetReplica(db: Db, id: string): Promise<void> {
  await db.query('delete from hub_instances where id = $1', [id]);
}
