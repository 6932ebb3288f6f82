import type { CheckResult, CheckStatus, DeliveryErrorInfo, DeliveryStatus } from '../events/types.js';
import type { RunCursor, RunError, RunState, RunSummary, RunView } from './check-runs-repo.js';
import type { Db } from './db.js';

/**
 * A module's runs are its deliveries: read here in the check model's words, never copied (the hot path
 * writes deliveries only). A delivery waiting to retry is queued again; succeeded is ok, skipped is info,
 * dead is an error. Its errors are the failed attempts of its lifecycle.
 */
const STATE: Record<string, RunState> = {
  queued: 'queued',
  failed: 'queued',
  in_progress: 'in_progress',
  succeeded: 'completed',
  dead: 'completed',
  skipped: 'completed',
};
const RESULT: Record<string, CheckStatus> = { succeeded: 'ok', skipped: 'info', dead: 'error' };

/** The fields of a deliveries row that messageOf reads. */
interface OutcomeRow {
  status: DeliveryStatus;
  result: CheckResult | null;
  last_error: DeliveryErrorInfo | null;
}

/** A delivery as COLUMNS selects it, with its event's target and its errors aggregated as JSON. */
interface ModuleRunRow extends OutcomeRow {
  id: string;
  module: string;
  created_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  application_name: string | null;
  cluster: string | null;
  errors: Array<{ error: string | null; detail: string | null; at: string }> | null;
}

/** A delivery's errors: failed attempts and earlier deaths are in its log; a death it ends with is on its row. */
const COLUMNS = `d.id, d.module, d.status, d.result, d.last_error, d.created_at, d.finished_at, d.duration_ms, e.application_name, e.cluster,
  coalesce((select json_agg(json_build_object('error', f.detail->>'message', 'detail', f.detail->>'reason', 'at', f.at) order by f.at, f.seq)
            from (select l.detail, l.at, l.id as seq from delivery_log l
                  where l.delivery_id = d.id and l.status in ('failed', 'dead') and l.detail is not null
                  union all
                  select d.last_error, d.finished_at, 9223372036854775807 where d.status = 'dead' and d.last_error is not null) f), '[]') as errors`;

/** Newest first, keyset-paged on (created_at, id); `deliveryId` picks one. */
export async function listModuleRuns(
  db: Db,
  module: string,
  limit: number,
  cursor?: RunCursor,
  deliveryId?: string,
): Promise<{ runs: RunView[]; next: RunCursor | null }> {
  const rows = await db.query<ModuleRunRow & { position: string }>(
    `select ${COLUMNS}, d.created_at::text as position from deliveries d join events e on e.id = d.event_id
     where d.module = $1 and ($3::timestamptz is null or (d.created_at, d.id) < ($3::timestamptz, $4::uuid))
       and ($5::uuid is null or d.id = $5)
     order by d.created_at desc, d.id desc limit $2`,
    [module, limit + 1, cursor?.startedAt ?? null, cursor?.id ?? null, deliveryId ?? null],
  );
  const runs = rows.rows.slice(0, limit).map(toView);
  const last = rows.rows.length > limit ? rows.rows[limit - 1] : null;
  return { runs, next: last ? { startedAt: last.position, id: last.id } : null };
}

/** For each module: deliveries running now and the latest that ended. */
export async function moduleSummaries(db: Db, modules: string[]): Promise<Map<string, RunSummary>> {
  const rows = await db.query<
    // An ended delivery always has finished_at: the statement that ends one sets it.
    { name: string; in_progress: number; id: string | null; finished_at: Date } & OutcomeRow
  >(
    `select m.name, (select count(*)::int from deliveries o where o.module = m.name and o.status = 'in_progress') as in_progress,
            l.id, l.status, l.result, l.last_error, l.finished_at
     from unnest($1::text[]) as m(name)
     left join lateral (select * from deliveries d where d.module = m.name and d.status in ('succeeded', 'dead', 'skipped', 'suppressed')
                        order by d.finished_at desc nulls last limit 1) l on true`,
    [modules],
  );
  return new Map(
    rows.rows.map((row): [string, RunSummary] => [
      row.name,
      {
        inProgress: row.in_progress,
        lastResult: row.id
          ? {
              runId: row.id,
              status: RESULT[row.status]!,
              score: row.result?.score ?? null,
              message: messageOf(row),
              at: row.finished_at.toISOString(),
            }
          : null,
      },
    ]),
  );
}

/** Failed attempts of every module's deliveries, newest first (the admin's errors page, with check runs' errors). */
export async function moduleErrors(
  db: Db,
  options: { module?: string; since: Date; limit: number },
): Promise<Array<RunError & { check: string; runId: string }>> {
  const rows = await db.query<{ module: string; id: string; at: Date; detail: DeliveryErrorInfo | null }>(
    `select * from (
       select d.module, d.id, l.at, l.detail from delivery_log l join deliveries d on d.id = l.delivery_id
       where l.status in ('failed', 'dead') and l.detail is not null and l.at >= $1 and ($2::text is null or d.module = $2)
       union all
       select d.module, d.id, d.finished_at, d.last_error from deliveries d
       where d.status = 'dead' and d.last_error is not null and d.finished_at >= $1 and ($2::text is null or d.module = $2)
     ) errors
     order by at desc limit $3`,
    [options.since, options.module ?? null, options.limit],
  );
  return rows.rows.map((row) => ({
    check: row.module,
    runId: row.id,
    error: row.detail?.message ?? 'failed',
    detail: row.detail?.reason ?? null,
    at: row.at.toISOString(),
  }));
}

function messageOf(row: OutcomeRow): string | null {
  if (row.status === 'dead') return row.last_error?.message ?? 'gave up';
  return row.result?.summary ?? null;
}

function toView(row: ModuleRunRow): RunView {
  const finished = ['succeeded', 'dead', 'skipped', 'suppressed'].includes(row.status);
  return {
    runId: row.id,
    check: row.module,
    kind: 'module',
    status: STATE[row.status] ?? 'queued',
    target: row.application_name ?? null,
    dimensions: {
      ...(row.application_name ? { application: row.application_name } : {}),
      ...(row.cluster ? { cluster: row.cluster } : {}),
    },
    result: finished
      ? { status: RESULT[row.status]!, score: row.result?.score ?? null, message: messageOf(row) }
      : null,
    errors: (row.errors ?? []).map((e) => ({
      error: e.error ?? 'failed',
      detail: e.detail,
      at: new Date(e.at).toISOString(),
    })),
    startedAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationMs: row.duration_ms,
  };
}
