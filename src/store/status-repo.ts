import type { Db } from './db.js';

/**
 * The status page's reads of modules, work in progress, queues and replicas. Each keeps to an index the hub
 * already has, with the module names given so `(module, status, …)` is usable: the page re-reads its view on
 * every change while the hub is ingesting, and must not scan the deliveries table each time.
 */

export interface ModuleActivity {
  module: string;
  lastSuccessAt: string | null;
  /** The latest failed or dead attempt, on the delivery's row or (after a replay moved it) in the log. */
  lastFailureAt: string | null;
  lastFailure: unknown;
  /** The first success after the last failure: when the module recovered (null while it has not). */
  recoveredAt: string | null;
  dead: number;
  /** When the oldest delivery still dead died. */
  deadSince: string | null;
}

export async function moduleActivity(db: Db, modules: string[]): Promise<Map<string, ModuleActivity>> {
  const rows = await db.query<{
    name: string;
    ok_at: Date | null;
    failed_at: Date | null;
    last_error: unknown;
    recovered_at: Date | null;
    dead: number;
    dead_since: Date | null;
  }>(
    `select m.name,
            (select finished_at from deliveries where module = m.name and status = 'succeeded' order by finished_at desc nulls last limit 1) as ok_at,
            f.at as failed_at, f.error as last_error,
            (select min(finished_at) from deliveries where module = m.name and status = 'succeeded' and finished_at > f.at) as recovered_at,
            dead.n as dead, dead.since as dead_since
     from unnest($1::text[]) as m(name)
     left join lateral (
       select at, error from (
         (select updated_at as at, last_error as error from deliveries where module = m.name and status in ('dead', 'failed')
          order by updated_at desc limit 1)
         union all
         (select l.at, l.detail from delivery_log l join deliveries d on d.id = l.delivery_id
          where l.status in ('failed', 'dead') and d.module = m.name order by l.at desc limit 1)
       ) failures order by at desc limit 1
     ) f on true
     left join lateral (
       select count(*)::int as n, min(updated_at) as since from deliveries where module = m.name and status = 'dead'
     ) dead on true`,
    [modules],
  );
  return new Map(
    rows.rows.map((row) => [
      row.name,
      {
        module: row.name,
        lastSuccessAt: iso(row.ok_at),
        lastFailureAt: iso(row.failed_at),
        lastFailure: row.last_error,
        recoveredAt: iso(row.recovered_at),
        dead: row.dead,
        deadSince: iso(row.dead_since),
      },
    ]),
  );
}

export interface QueueWait {
  module: string;
  /** Deliveries queued (due or waiting their turn) and not running. */
  waiting: number;
  /** Deliveries that failed and wait for their next attempt. */
  retrying: number;
  /** How long the longest-waiting queued delivery has waited, in seconds (0 when none wait). */
  oldestSeconds: number;
  oldestSince: string | null;
}

/**
 * Per module: what waits and for how long ("is Slack keeping up?"). A delivery deferred for its channel's
 * turn keeps waiting from when it was created (a deferral takes its attempt back); a replayed one from its
 * replay, its row's last change.
 */
export async function queueWaits(db: Db, modules: string[]): Promise<QueueWait[]> {
  const rows = await db.query<{ module: string; waiting: number; retrying: number; oldest: Date | null }>(
    `select module, count(*) filter (where status = 'queued')::int as waiting,
            count(*) filter (where status = 'failed')::int as retrying,
            min(case when attempts = 0 then created_at else updated_at end) filter (where status = 'queued') as oldest
     from deliveries where module = any($1::text[]) and status in ('queued', 'failed') group by module`,
    [modules],
  );
  const now = Date.now();
  return rows.rows.map((row) => ({
    module: row.module,
    waiting: row.waiting,
    retrying: row.retrying,
    oldestSeconds: row.oldest ? Math.max(0, Math.round((now - row.oldest.getTime()) / 1000)) : 0,
    oldestSince: iso(row.oldest),
  }));
}

export interface RunningDelivery {
  id: string;
  module: string;
  eventId: string;
  eventType: string;
  applicationName: string | null;
  startedAt: string;
  attempts: number;
}

export async function runningDeliveries(db: Db, modules: string[], limit = 50): Promise<RunningDelivery[]> {
  const rows = await db.query<{
    id: string;
    module: string;
    event_id: string;
    started_at: Date;
    attempts: number;
    type: string;
    application_name: string | null;
  }>(
    `select d.id, d.module, d.event_id, d.started_at, d.attempts, e.type, e.application_name
     from deliveries d join events e on e.id = d.event_id
     where d.module = any($1::text[]) and d.status = 'in_progress' order by d.started_at limit $2`,
    [modules, limit],
  );
  return rows.rows.map((row) => ({
    id: row.id,
    module: row.module,
    eventId: row.event_id,
    eventType: row.type,
    applicationName: row.application_name,
    startedAt: iso(row.started_at)!,
    attempts: row.attempts,
  }));
}

export interface RunningRun {
  schedule: string;
  firedAt: string;
  startedAt: string;
  hub: string;
}

export async function runningRuns(db: Db): Promise<RunningRun[]> {
  const rows = await db.query<{ schedule: string; fired_at: Date; started_at: Date; hub: string }>(
    `select schedule, fired_at, started_at, hub from scheduled_runs where status = 'running' and started_at > now() - interval '1 day'
     order by started_at limit 50`,
  );
  return rows.rows.map((row) => ({
    schedule: row.schedule,
    firedAt: iso(row.fired_at)!,
    startedAt: iso(row.started_at)!,
    hub: row.hub,
  }));
}

export interface FailedRun {
  schedule: string;
  firedAt: string;
  error: unknown;
}

export async function failedRuns(db: Db, limit = 50): Promise<FailedRun[]> {
  const rows = await db.query<{ schedule: string; fired_at: Date; error: unknown }>(
    `select schedule, fired_at, error from scheduled_runs where status = 'failed' order by fired_at desc limit $1`,
    [limit],
  );
  return rows.rows.map((row) => ({ schedule: row.schedule, firedAt: iso(row.fired_at)!, error: row.error }));
}

export interface ReplicaView {
  id: string;
  startedAt: string;
  heartbeatAt: string;
  /** No heartbeat for MISSING_AFTER_SECONDS: the hub stopped answering without saying goodbye. */
  missing: boolean;
  /** The hash of the configuration file it runs from (null: none, or none loaded yet). */
  configHash: string | null;
  /** Why its last reload of the file failed, first problem first (null: it did not). */
  configProblem: string | null;
}

/** Three missed heartbeats (one every 5 s), past the 15 s after which the others take over its work. */
export const MISSING_AFTER_SECONDS = 20;

export async function replicas(db: Db): Promise<ReplicaView[]> {
  const rows = await db.query<{
    id: string;
    started_at: Date;
    heartbeat_at: Date;
    missing: boolean;
    config_hash: string | null;
    config_problem: string | null;
  }>(
    `select id, started_at, heartbeat_at, heartbeat_at < now() - make_interval(secs => $1) as missing,
            config_hash, config_problem
     from hub_instances order by started_at`,
    [MISSING_AFTER_SECONDS],
  );
  return rows.rows.map((row) => ({
    id: row.id,
    startedAt: iso(row.started_at)!,
    heartbeatAt: iso(row.heartbeat_at)!,
    missing: row.missing,
    configHash: row.config_hash,
    configProblem: row.config_problem,
  }));
}

export function iso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}
