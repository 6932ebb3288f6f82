import type { Db } from './db.js';

/** What a hub says about itself with each beat (GET /api/v1/admin/heartbeat, metrics, the status page). */
export interface HeartbeatStats {
  rssBytes: number;
  heapUsedBytes: number;
  cpuPercent: number;
  eventLoopLagMs: number;
  activeDeliveries: number;
  queueDepth: number;
}

export interface HubIdentity {
  host: string;
  version: string;
  pid: number;
}

/** The configuration file a hub runs from: the hash in force, and why its last reload failed (null: it did not). */
export interface ReplicaConfig {
  hash: string | null;
  file: string;
  problem: string | null;
}

export interface ReplicaRow extends HubIdentity, HeartbeatStats {
  hubId: string;
  startedAt: string;
  lastHeartbeatAt: string;
  uptimeSeconds: number;
}

/** The hub_instances table: one row per running hub, kept fresh by its heartbeat. */
export async function recordHeartbeat(
  db: Db,
  id: string,
  workerIds: string[],
  about?: { identity: HubIdentity; stats: HeartbeatStats },
  config?: ReplicaConfig,
): Promise<void> {
  await db.query(
    `insert into hub_instances (id, worker_ids, heartbeat_at, host, version, pid, stats) values ($1, $2, now(), $3, $4, $5, $6)
     on conflict (id) do update set worker_ids = excluded.worker_ids, heartbeat_at = now(), swept_at = null,
       host = coalesce(excluded.host, hub_instances.host), version = coalesce(excluded.version, hub_instances.version),
       pid = coalesce(excluded.pid, hub_instances.pid), stats = coalesce(excluded.stats, hub_instances.stats)`,
    [
      id,
      workerIds,
      about?.identity.host ?? null,
      about?.identity.version ?? null,
      about?.identity.pid ?? null,
      about ? JSON.stringify(about.stats) : null,
    ],
  );
  if (config)
    await db.query('update hub_instances set config_hash = $2, config_file = $3, config_problem = $4 where id = $1', [
      id,
      config.hash,
      config.file,
      config.problem,
    ]);
}

/**
 * Marks hubs silent for `deadAfterSeconds` as swept and unlocks the queue jobs they held; answers their ids.
 * Row locks with skip locked make one survivor do it when several notice at once. Rows silent for an hour
 * are deleted.
 */
export async function sweepDeadReplicas(db: Db, deadAfterSeconds: number): Promise<string[]> {
  const dead = await db.query<{ id: string; worker_ids: string[] }>(
    `with dead as (
       select id, worker_ids from hub_instances
       where heartbeat_at < now() - make_interval(secs => $1) and swept_at is null
       for update skip locked
     ), marked as (
       update hub_instances h set swept_at = now(), worker_ids = '{}' from dead where h.id = dead.id
     )
     select id, worker_ids from dead`,
    [deadAfterSeconds],
  );
  await db.query(`delete from hub_instances where heartbeat_at < now() - interval '1 hour'`);
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

/** Every hub whose heartbeat arrived within `withinSeconds`, oldest start first. */
export async function recentReplicas(db: Db, withinSeconds: number): Promise<ReplicaRow[]> {
  const rows = await db.query<{
    id: string;
    host: string | null;
    version: string | null;
    pid: number | null;
    stats: Partial<HeartbeatStats> | null;
    started_at: Date;
    heartbeat_at: Date;
    uptime: number;
  }>(
    `select id, host, version, pid, stats, started_at, heartbeat_at, extract(epoch from now() - started_at)::float8 as uptime
     from hub_instances where heartbeat_at >= now() - make_interval(secs => $1) order by started_at, id`,
    [withinSeconds],
  );
  return rows.rows.map((row) => ({
    hubId: row.id,
    host: row.host ?? '',
    version: row.version ?? '',
    pid: row.pid ?? 0,
    startedAt: row.started_at.toISOString(),
    uptimeSeconds: Math.round(row.uptime),
    rssBytes: row.stats?.rssBytes ?? 0,
    heapUsedBytes: row.stats?.heapUsedBytes ?? 0,
    cpuPercent: row.stats?.cpuPercent ?? 0,
    eventLoopLagMs: row.stats?.eventLoopLagMs ?? 0,
    activeDeliveries: row.stats?.activeDeliveries ?? 0,
    queueDepth: row.stats?.queueDepth ?? 0,
    lastHeartbeatAt: row.heartbeat_at.toISOString(),
  }));
}
