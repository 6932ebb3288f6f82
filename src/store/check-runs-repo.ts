import type { CheckKind, CheckStatus } from '../events/types.js';
import type { Db, Queryable } from './db.js';

/**
 * Runs of inspections and external checks (modules' runs are their deliveries, read in module-runs-repo).
 * A run is `queued | in_progress | completed | timed_out`; when completed it may carry a result (status,
 * score, Markdown message) and any number of errors, each a row of check_run_errors.
 */
export type RunState = 'queued' | 'in_progress' | 'completed' | 'timed_out';

export interface RunError {
  error: string;
  detail: string | null;
  at: string;
}

export interface RunView {
  runId: string;
  check: string;
  kind: CheckKind;
  status: RunState;
  target: string | null;
  dimensions: Record<string, string>;
  result: { status: CheckStatus; score: number | null; message: string | null } | null;
  errors: RunError[];
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface NewRun {
  id: string;
  check: string;
  kind: Exclude<CheckKind, 'module'>;
  externalId: string;
  target?: string | null;
  dimensions?: Record<string, string>;
  maxRuntimeSeconds: number;
  status?: RunState;
}

/** A check_runs row as COLUMNS selects it, with its errors aggregated as JSON. */
interface RunRow {
  id: string;
  check_name: string;
  kind: CheckKind;
  external_id: string;
  status: RunState;
  target: string | null;
  dimensions: Record<string, string> | null;
  result_status: CheckStatus | null;
  score: number | null;
  message: string | null;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  errors: Array<{ error: string; detail: string | null; at: string }> | null;
}

const COLUMNS = `r.id, r.check_name, r.kind, r.external_id, r.status, r.target, r.dimensions, r.result_status, r.score, r.message,
  r.started_at, r.finished_at, r.duration_ms,
  coalesce((select json_agg(json_build_object('error', e.error, 'detail', e.detail, 'at', e.at) order by e.id)
            from check_run_errors e where e.run_id = r.id), '[]') as errors`;

/** Starts a run, or finds the one started before with the same reporter's id: `created` tells which. */
export async function startRun(client: Queryable, run: NewRun): Promise<{ run: RunView; created: boolean }> {
  const inserted = await client.query(
    `insert into check_runs (id, check_name, kind, external_id, status, target, dimensions, max_runtime_seconds)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (check_name, external_id) do nothing returning id`,
    [
      run.id,
      run.check,
      run.kind,
      run.externalId,
      run.status ?? 'in_progress',
      run.target ?? null,
      run.dimensions ?? {},
      run.maxRuntimeSeconds,
    ],
  );
  const found = await findRun(client, run.check, run.externalId);
  return { run: found!, created: (inserted.rowCount ?? 0) > 0 };
}

/** By the reporter's run id (which is the run's own id when the reporter gave none). */
export async function findRun(client: Queryable, check: string, externalId: string): Promise<RunView | null> {
  const rows = await client.query<RunRow>(
    `select ${COLUMNS} from check_runs r where r.check_name = $1 and r.external_id = $2`,
    [check, externalId],
  );
  return rows.rows[0] ? toView(rows.rows[0]) : null;
}

/** Sets (or replaces) the result of a run still open; false when it has finished. */
export async function setResult(
  client: Queryable,
  check: string,
  runId: string,
  result: { status: CheckStatus; score?: number | null; message?: string | null },
): Promise<boolean> {
  const updated = await client.query(
    `update check_runs set result_status = $3, score = $4, message = $5
     where check_name = $1 and external_id = $2 and status in ('queued', 'in_progress')`,
    [check, runId, result.status, result.score ?? null, result.message ?? null],
  );
  return (updated.rowCount ?? 0) > 0;
}

export async function addRunErrors(
  client: Queryable,
  check: string,
  runId: string,
  errors: Array<{ error: string; detail?: string | null }>,
): Promise<void> {
  if (errors.length === 0) return;
  await client.query(
    `insert into check_run_errors (run_id, check_name, error, detail)
     select r.id, r.check_name, e.error, e.detail from check_runs r, json_to_recordset($3::json) as e(error text, detail text)
     where r.check_name = $1 and r.external_id = $2`,
    [check, runId, JSON.stringify(errors.map((e) => ({ error: e.error, detail: e.detail ?? null })))],
  );
}

/** Ends an open run; null when it had ended already (done twice, or timed out meanwhile). */
export async function finishRun(
  client: Queryable,
  check: string,
  runId: string,
  status: Exclude<RunState, 'queued' | 'in_progress'>,
): Promise<RunView | null> {
  const updated = await client.query(
    `update check_runs set status = $3, finished_at = now(),
            duration_ms = greatest(0, round(extract(epoch from now() - started_at) * 1000))::int
     where check_name = $1 and external_id = $2 and status in ('queued', 'in_progress')`,
    [check, runId, status],
  );
  return (updated.rowCount ?? 0) > 0 ? findRun(client, check, runId) : null;
}

/**
 * Runs in progress past their check's maxRuntimeSeconds become timed_out, with an error saying so. One
 * statement: whichever replica runs it first takes each run; the others find nothing left.
 */
export async function timeOutRuns(db: Db): Promise<RunView[]> {
  const rows = await db.query<{ check_name: string; external_id: string }>(
    `with timed as (
       update check_runs set status = 'timed_out', finished_at = now(),
              duration_ms = greatest(0, round(extract(epoch from now() - started_at) * 1000))::int
       where status in ('queued', 'in_progress') and started_at < now() - make_interval(secs => max_runtime_seconds)
       returning id, check_name, external_id, max_runtime_seconds
     ), logged as (
       insert into check_run_errors (run_id, check_name, error, detail)
       select id, check_name, 'timed out', 'still in progress after ' || max_runtime_seconds || ' s (maxRuntimeSeconds)' from timed
     )
     select check_name, external_id from timed`,
  );
  // Read after the statement: its own inserted error rows are not visible to it.
  const views: RunView[] = [];
  for (const row of rows.rows) {
    const found = await findRun(db.pool, row.check_name, row.external_id);
    if (found) views.push(found);
  }
  return views;
}

export interface RunCursor {
  startedAt: string;
  id: string;
}

/** Newest first, keyset-paged on (started_at, id). */
export async function listRuns(
  db: Db,
  check: string,
  limit: number,
  cursor?: RunCursor,
): Promise<{ runs: RunView[]; next: RunCursor | null }> {
  const rows = await db.query<RunRow & { position: string }>(
    `select ${COLUMNS}, r.started_at::text as position from check_runs r
     where r.check_name = $1 and ($3::timestamptz is null or (r.started_at, r.id) < ($3::timestamptz, $4::uuid))
     order by r.started_at desc, r.id desc limit $2`,
    [check, limit + 1, cursor?.startedAt ?? null, cursor?.id ?? null],
  );
  const runs = rows.rows.slice(0, limit).map(toView);
  const last = rows.rows.length > limit ? rows.rows[limit - 1] : null;
  return { runs, next: last ? { startedAt: last.position, id: last.id } : null };
}

export interface RunSummary {
  inProgress: number;
  /** When the oldest open run started (the page's spinner counts from it). */
  openSince?: string | null;
  lastResult: { runId: string; status: CheckStatus; score: number | null; message: string | null; at: string } | null;
}

/** For each check: how many runs are open and the latest result. */
export async function runSummaries(db: Db, checks: string[]): Promise<Map<string, RunSummary>> {
  const rows = await db.query<{
    name: string;
    in_progress: number;
    open_since: Date | null;
    id: string | null;
    result_status: CheckStatus;
    score: number | null;
    message: string | null;
    finished_at: Date;
  }>(
    `select c.name,
            (select count(*)::int from check_runs o where o.check_name = c.name and o.status in ('queued', 'in_progress')) as in_progress,
            (select min(o.started_at) from check_runs o where o.check_name = c.name and o.status in ('queued', 'in_progress')) as open_since,
            l.id, l.result_status, l.score, l.message, l.finished_at
     from unnest($1::text[]) as c(name)
     left join lateral (select * from check_runs r where r.check_name = c.name and r.result_status is not null
                        and r.status in ('completed', 'timed_out') order by r.started_at desc limit 1) l on true`,
    [checks],
  );
  return new Map(
    rows.rows.map((row): [string, RunSummary] => [
      row.name,
      {
        inProgress: row.in_progress,
        openSince: row.open_since ? row.open_since.toISOString() : null,
        lastResult: row.id
          ? {
              runId: row.id,
              status: row.result_status,
              score: row.score,
              message: row.message,
              at: row.finished_at.toISOString(),
            }
          : null,
      },
    ]),
  );
}

function toView(row: RunRow): RunView {
  return {
    runId: row.external_id,
    check: row.check_name,
    kind: row.kind,
    status: row.status,
    target: row.target,
    dimensions: row.dimensions ?? {},
    result: row.result_status ? { status: row.result_status, score: row.score, message: row.message } : null,
    errors: (row.errors ?? []).map((e) => ({
      error: e.error,
      detail: e.detail,
      at: new Date(e.at).toISOString(),
    })),
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    durationMs: row.duration_ms,
  };
}

/** Errors of inspections' and external checks' runs, newest first. */
export async function checkErrors(
  db: Db,
  options: { check?: string; since: Date; limit: number },
): Promise<Array<RunError & { check: string; runId: string }>> {
  type ErrorRow = { check_name: string; external_id: string; error: string; detail: string | null; at: Date };
  const rows = await db.query<ErrorRow>(
    `select e.check_name, r.external_id, e.error, e.detail, e.at from check_run_errors e join check_runs r on r.id = e.run_id
     where e.at >= $1 and ($2::text is null or e.check_name = $2) order by e.at desc, e.id desc limit $3`,
    [options.since, options.check ?? null, options.limit],
  );
  return rows.rows.map((row) => ({
    check: row.check_name,
    runId: row.external_id,
    error: row.error,
    detail: row.detail,
    at: row.at.toISOString(),
  }));
}
