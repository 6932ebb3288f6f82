import type { CheckResult, DeliveryErrorInfo } from '../events/types.js';
import type { RunStatus } from '../stream/hub-stream.js';
import type { Db, Queryable } from './db.js';

export interface ScheduledRunView {
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

/**
 * Claims a tick of a schedule for this hub. The unique (schedule, tick) makes a tick run once even if two
 * replicas were handed it; a run a dead hub left 'running' is taken over, a finished one never runs again.
 */
export async function claimRun(db: Db, schedule: string, firedAt: Date, hubId: string): Promise<boolean> {
  const claimed = await db.query(
    `insert into scheduled_runs (schedule, fired_at, hub, status) values ($1, $2, $3, 'running')
     on conflict (schedule, fired_at) do update set hub = excluded.hub, started_at = now(), attempts = scheduled_runs.attempts + 1
       where scheduled_runs.status = 'running'
     returning id`,
    [schedule, firedAt, hubId],
  );
  return (claimed.rowCount ?? 0) > 0;
}

export async function finishRun(
  client: Queryable,
  run: { schedule: string; firedAt: Date; status: Exclude<RunStatus, 'running'>; result: CheckResult | null; error: DeliveryErrorInfo | null; durationMs: number },
): Promise<void> {
  await client.query(
    `update scheduled_runs set status = $3, result = $4, error = $5, duration_ms = $6, finished_at = now()
     where schedule = $1 and fired_at = $2`,
    [run.schedule, run.firedAt, run.status, run.result, run.error, run.durationMs],
  );
}

/**
 * A tick now, outside the schedule's cron (an operator's "run now"): a job like the cron's, keyed so a
 * second click before it runs is the same run. Recorded under the moment it starts.
 */
export async function enqueueRunNow(db: Db, task: string, schedule: string): Promise<void> {
  await db.query(`select graphile_worker.add_job($1, json_build_object('schedule', $2::text), max_attempts => 1, job_key => 'run-now:' || $2)`, [
    task,
    schedule,
  ]);
}

/** The newest `perSchedule` runs of each schedule, newest first. */
export async function recentRuns(db: Db, schedules: string[], perSchedule: number): Promise<Map<string, ScheduledRunView[]>> {
  const rows = await db.query(
    `select r.* from unnest($1::text[]) as s(id)
     cross join lateral (select * from scheduled_runs where schedule = s.id order by fired_at desc limit $2) r`,
    [schedules, perSchedule],
  );
  const runs = new Map<string, ScheduledRunView[]>();
  for (const row of rows.rows) {
    const list = runs.get(row.schedule) ?? [];
    list.push({
      firedAt: row.fired_at.toISOString(),
      hub: row.hub,
      status: row.status,
      attempts: row.attempts,
      startedAt: row.started_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
      durationMs: row.duration_ms,
      result: row.result,
      error: row.error,
    });
    runs.set(row.schedule, list);
  }
  return runs;
}
