import { NOT_FALLEN_BACK } from './delivery-views.js';
import type { CheckStatus } from '../events/types.js';
import type { Db } from './db.js';
import { listStates, type KeyState } from './inspection-state-repo.js';
import { iso } from './status-repo.js';

/**
 * What went wrong, grouped for people: failing and dead deliveries by module and error code, check runs'
 * errors by check and error, and the keys (targets) of checks that are not ok. One row per group, so 55
 * identical failures are one line with one "replay all".
 */

/** A delivery error without a catalogue code (a module threw something plain): grouped under this one. */
export const UNCODED = 'HUB_ERR_FAILED';

export interface DeliveryErrorGroup {
  module: string;
  code: string;
  count: number;
  dead: number;
  firstAt: string;
  lastAt: string;
  /** The latest error of the group, as recorded. */
  sample: unknown;
  latestEventId: string;
  latestApplication: string | null;
}

export async function deliveryErrorGroups(db: Db, modules: string[]): Promise<DeliveryErrorGroup[]> {
  const rows = await db.query<{
    module: string;
    code: string;
    n: number;
    dead: number;
    first_at: Date;
    last_at: Date;
    sample: unknown;
    latest_event: string;
  }>(
    `select d.module, coalesce(d.last_error->>'code', $2) as code, count(*)::int as n,
            count(*) filter (where d.status = 'dead')::int as dead, min(d.updated_at) as first_at, max(d.updated_at) as last_at,
            (array_agg(d.last_error order by d.updated_at desc))[1] as sample,
            (array_agg(d.event_id order by d.updated_at desc))[1] as latest_event
     from deliveries d where d.module = any($1::text[]) and d.status in ('failed', 'dead')
     group by 1, 2 order by last_at desc limit 200`,
    [modules, UNCODED],
  );
  const apps = await db.query<{ id: string; application_name: string | null }>(
    `select id, application_name from events where id = any($1::uuid[])`,
    [rows.rows.map((row) => row.latest_event)],
  );
  const appOf = new Map(apps.rows.map((row) => [row.id, row.application_name]));
  return rows.rows.map((row) => ({
    module: row.module,
    code: row.code,
    count: row.n,
    dead: row.dead,
    firstAt: iso(row.first_at)!,
    lastAt: iso(row.last_at)!,
    sample: row.sample,
    latestEventId: row.latest_event,
    latestApplication: appOf.get(row.latest_event) ?? null,
  }));
}

/** The dead deliveries of one group: what its "replay all" replays (but those that fell back, see NOT_FALLEN_BACK). */
export async function deadIdsOfGroup(db: Db, module: string, code: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select d.id from deliveries d where d.module = $1 and d.status = 'dead' and coalesce(d.last_error->>'code', $3) = $2
       and ${NOT_FALLEN_BACK}`,
    [module, code, UNCODED],
  );
  return rows.rows.map((row) => row.id);
}

export interface CheckErrorGroup {
  check: string;
  error: string;
  count: number;
  firstAt: string;
  lastAt: string;
  detail: string | null;
  latestRunId: string;
}

/** Errors reported by inspections' and external checks' runs within `days`, grouped by check and error text. */
export async function checkErrorGroups(db: Db, options: { check?: string; days: number }): Promise<CheckErrorGroup[]> {
  const rows = await db.query<{
    check_name: string;
    error: string;
    n: number;
    first_at: Date;
    last_at: Date;
    detail: string | null;
    run_id: string;
  }>(
    `select e.check_name, e.error, count(*)::int as n, min(e.at) as first_at, max(e.at) as last_at,
            (array_agg(e.detail order by e.at desc))[1] as detail,
            (array_agg(r.external_id order by e.at desc))[1] as run_id
     from check_run_errors e join check_runs r on r.id = e.run_id
     where e.at >= now() - make_interval(days => $1) and ($2::text is null or e.check_name = $2)
     group by 1, 2 order by last_at desc limit 200`,
    [options.days, options.check ?? null],
  );
  return rows.rows.map((row) => ({
    check: row.check_name,
    error: row.error,
    count: row.n,
    firstAt: iso(row.first_at)!,
    lastAt: iso(row.last_at)!,
    detail: row.detail,
    latestRunId: row.run_id,
  }));
}

const BAD: readonly CheckStatus[] = ['warning', 'error', 'critical'];

/** Keys whose latest result is warning or worse, or that are in alert, of every check (or one). */
export async function failingKeys(db: Db, check?: string): Promise<KeyState[]> {
  const rows = await db.query<{ check_name: string }>(
    `select distinct check_name from inspection_state
     where (status = any($1::text[]) or alert_status is not null) and ($2::text is null or check_name = $2)`,
    [BAD, check ?? null],
  );
  const states = await listStates(
    db,
    rows.rows.map((row) => row.check_name),
  );
  return states.filter((state) => BAD.includes(state.status) || state.alertStatus !== null);
}

/** Keys in alert (raised and not recovered), of every check. */
export async function alertingKeys(db: Db): Promise<KeyState[]> {
  const rows = await db.query<{ check_name: string }>(
    `select distinct check_name from inspection_state where alert_status is not null`,
  );
  const states = await listStates(
    db,
    rows.rows.map((row) => row.check_name),
  );
  return states.filter((state) => state.alertStatus !== null);
}

/** Keys about these applications (the `application` dimension), of every check. */
export async function keysOfApplications(db: Db, applications: string[]): Promise<KeyState[]> {
  const rows = await db.query<{ check_name: string }>(
    `select distinct check_name from inspection_state where dimensions->>'application' = any($1::text[])`,
    [applications],
  );
  const states = await listStates(
    db,
    rows.rows.map((row) => row.check_name),
  );
  return states.filter((state) => applications.includes(state.dimensions.application ?? ''));
}
