import type { CheckResult, DeliveryErrorInfo } from '../events/types.js';
import type { RunStatus } from '../stream/hub-stream.js';
import type { Db, Queryable } from './db.js';
import { SCHEDULE_TASK } from './jobs.js';
import { postgresJson } from '../util/text.js';

export interface ScheduledRunView {
  runId: string;
  schedule: string;
  firedAt: string;
  hub: string;
  status: RunStatus;
  attempts: number;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  result: CheckResult | null;
  error: DeliveryErrorInfo | null;
}

/** A scheduled_runs row (its bigserial id comes back from pg as text). */
interface ScheduledRunRow {
  id: string;
  schedule: string;
  fired_at: Date;
  hub: string;
  status: RunStatus;
  attempts: number;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  result: CheckResult | null;
  error: DeliveryErrorInfo | null;
}

/**
 * Claims a tick of a schedule for this hub. The unique (schedule, tick) makes a tick run once even if two
 * replicas were handed it; a run a dead hub left 'running' is taken over, a finished one never runs again.
 */
export async function claimRun(db: Db, schedule: string, firedAt: Date, hubId: string): Promise<boolean> {
  const claimed = await db.query(
    `insert into scheduled_runs (schedule, fired_at, hub, status) values ($1, $2, $3, 'running')
     on conflict (schedule, fired_at) do update set hub = excluded.hub, started_at = now(),
       attempts = scheduled_runs.attempts + 1, status = 'running'
       where scheduled_runs.status in ('running', 'queued')
     returning id`,
    [schedule, firedAt, hubId],
  );
  return (claimed.rowCount ?? 0) > 0;
}

export async function finishRun(
  client: Queryable,
  run: {
    schedule: string;
    firedAt: Date;
    status: Exclude<RunStatus, 'running'>;
    result: CheckResult | null;
    error: DeliveryErrorInfo | null;
    durationMs: number;
  },
): Promise<void> {
  await client.query(
    `update scheduled_runs set status = $3, result = $4, error = $5, duration_ms = $6, finished_at = now()
     where schedule = $1 and fired_at = $2`,
    [
      run.schedule,
      run.firedAt,
      run.status,
      run.result && postgresJson(run.result),
      run.error && postgresJson(run.error),
      run.durationMs,
    ],
  );
}

/**
 * A tick now, outside the schedule's cron (an operator's "run now"): a job like the cron's, keyed so a
 * second click before it runs is the same run. Recorded under the moment it starts.
 */

/** The newest `perSchedule` runs of each schedule, newest first. */
export async function recentRuns(
  db: Db,
  schedules: string[],
  perSchedule: number,
): Promise<Map<string, ScheduledRunView[]>> {
  const rows = await db.query<ScheduledRunRow>(
    `select r.* from unnest($1::text[]) as s(id)
     cross join lateral (select * from scheduled_runs where schedule = s.id order by fired_at desc limit $2) r`,
    [schedules, perSchedule],
  );
  const runs = new Map<string, ScheduledRunView[]>();
  for (const row of rows.rows) {
    const list = runs.get(row.schedule) ?? [];
    list.push(toView(row));
    runs.set(row.schedule, list);
  }
  return runs;
}

/**
 * Queues a run now (an operator's "run it now"), unless one is queued or running and not yet past its
 * timeout (a dead hub's stale 'running' row does not block forever): null then. The job is added with it.
 */
export async function queueManualRun(
  db: Db,
  schedule: string,
  hubId: string,
  timeoutMs: number,
): Promise<{ runId: string; firedAt: Date } | null> {
  return db.transaction(async (client) => {
    // One operator at a time per schedule: two concurrent requests must not both see "nothing running".
    await client.query(`select pg_advisory_xact_lock(hashtext('manual-run:' || $1))`, [schedule]);
    const open = await client.query(
      `select 1 from scheduled_runs where schedule = $1 and status in ('queued', 'running') and started_at > now() - make_interval(secs => $2)`,
      [schedule, timeoutMs / 1000 + 60],
    );
    if ((open.rowCount ?? 0) > 0) return null;
    const inserted = await client.query<{ id: string; fired_at: Date }>(
      `insert into scheduled_runs (schedule, fired_at, hub, status, attempts) values ($1, date_trunc('milliseconds', clock_timestamp()), $2, 'queued', 0) returning id, fired_at`,
      [schedule, hubId],
    );
    // An insert without a conflict clause returns its row or throws.
    const row = inserted.rows[0]!;
    await client.query(
      `select graphile_worker.add_job($1, json_build_object('schedule', $2::text, 'firedAt', $3::text), max_attempts => 1)`,
      [SCHEDULE_TASK, schedule, row.fired_at.toISOString()],
    );
    return { runId: String(row.id), firedAt: row.fired_at };
  });
}

export async function findScheduledRun(db: Db, schedule: string, runId: string): Promise<ScheduledRunView | null> {
  if (!/^\d{1,18}$/.test(runId)) return null;
  const rows = await db.query<ScheduledRunRow>(`select * from scheduled_runs where schedule = $1 and id = $2`, [
    schedule,
    runId,
  ]);
  return rows.rows[0] ? toView(rows.rows[0]) : null;
}

/**
 * The next tick of an interval schedule, as a job keyed per schedule: however many replicas add it, one job
 * waits (an existing one keeps its time), and the replica that runs a tick adds the next one.
 */
export async function addIntervalTick(
  client: Queryable,
  schedule: string,
  at: Date,
  keepExisting: boolean,
): Promise<void> {
  await client.query(
    `select graphile_worker.add_job($1, json_build_object('schedule', $2::text, 'interval', true), run_at => $3,
            job_key => 'schedule:' || $2, job_key_mode => $4, max_attempts => 1)`,
    [SCHEDULE_TASK, schedule, at, keepExisting ? 'preserve_run_at' : 'replace'],
  );
}

function toView(row: ScheduledRunRow): ScheduledRunView {
  return {
    runId: String(row.id),
    schedule: row.schedule,
    firedAt: row.fired_at.toISOString(),
    hub: row.hub,
    status: row.status,
    attempts: row.attempts,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationMs: row.duration_ms,
    result: row.result,
    error: row.error,
  };
}
