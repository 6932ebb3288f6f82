import type pg from 'pg';
import type { Db } from './db.js';
import { LOCAL_SETTINGS } from './insights-sync.js';

/** Which counted deployments a question is about: one cluster, arrivals in [from, to), optionally one application or team. */
export interface InsightsFilter {
  cluster: string;
  application?: string;
  team?: string;
  from: Date;
  to: Date;
}

/** `total` (every deployment), `team` (one team's), `application` (one application of one team). */
export type InsightsLevel = 'total' | 'team' | 'application';

/** The figures of one level and key, as PostgreSQL sums them; ids are at most `idsLimit`, by arrival. */
export interface FigureRow {
  level: InsightsLevel;
  team: string | null;
  application: string | null;
  deployments: number;
  ids: string[];
  failed: number;
  failedIds: string[];
  restored: number;
  restoreMedianMs: number | null;
  restoreP90Ms: number | null;
  restoredIds: string[];
  openIds: string[];
  leadTimes: number;
  leadMedianMs: number | null;
  leadP90Ms: number | null;
  leadIds: string[];
}

/** One application's deployments and failed ones per UTC day with any (start of the day in ms). */
export interface DayRow {
  team: string | null;
  application: string;
  days: Array<{ day: number; deployments: number; failed: number }>;
}

export type Interval = 'day' | 'week' | 'month';

const WHERE = `cluster = $1 and at >= $2 and at < $3 and ($4::text is null or application = $4) and ($5::text is null or team = $5)`;

/** One read with the insights settings, in a transaction of its own. */
function read<R extends pg.QueryResultRow>(db: Db, sql: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  return db.transaction(async (client) => {
    await client.query(READ_SETTINGS);
    return client.query<R>(sql, values);
  });
}

/**
 * Memory for sorts and no JIT (see LOCAL_SETTINGS); no parallel workers, whose partial aggregates would join
 * the id lists out of arrival order; UTC, so date_trunc cuts days, Monday weeks and months in UTC at the cost
 * of the two-argument form (the zone argument cost 1 µs a row).
 */
const READ_SETTINGS = `${LOCAL_SETTINGS}; set local max_parallel_workers_per_gather = 0; set local timezone = 'UTC'`;

function params(filter: InsightsFilter): unknown[] {
  return [filter.cluster, filter.from, filter.to, filter.application ?? null, filter.team ?? null];
}

/**
 * The window's outcome rows in the order of the insight_deployments_tree index (team, application, arrival),
 * read from the index alone: nothing to sort, so aggregates see each application's deployments oldest first.
 */
const ORDERED = `(select * from insight_deployments where ${WHERE} order by team, application, at, event_id) d`;

const PERCENTILES = `
  percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from restored_at - failed_at) * 1000) as restore_ms,
  percentile_cont(array[0.5, 0.9]) within group (order by lead_ms) as lead_ms`;

/** An application's ids behind a figure: its first $6 by arrival (the input is in arrival order). */
const ids = (condition: string) =>
  `coalesce(array_to_string((array_agg(event_id) filter (where ${condition}))[1:$6], ','), '')`;

/**
 * The four measures per application (with the ids behind each), and per team and in total (a rollup over the
 * same order), as two statements side by side: the id lists are only built where they are read. Medians and
 * 90th percentiles interpolate linearly. A team's and the total's ids are their applications' lists in order
 * (team, application), cut at `idsLimit`.
 */
export async function figureRows(db: Db, filter: InsightsFilter, idsLimit: number): Promise<FigureRow[]> {
  const withIds = idsLimit > 0;
  const list = (condition: string) => (withIds ? ids(condition) : `''`);
  const [applications, levels] = await Promise.all([
    read<Record<string, unknown>>(
      db,
      `select 0 as level, team, application, count(*)::int as deployments, count(failed_at)::int as failed,
         count(restored_at)::int as restored, count(lead_ms)::int as lead_times, ${PERCENTILES},
         ${list('true')} as ids, ${list('failed_at is not null')} as failed_ids, ${list('restored_at is not null')} as restored_ids,
         ${list('failed_at is not null and restored_at is null')} as open_ids, ${list('lead_ms is not null')} as lead_ids
       from ${ORDERED} group by team, application order by team, application`,
      [...params(filter), ...(withIds ? [Math.min(idsLimit, 2_147_483_647)] : [])],
    ),
    read<Record<string, unknown>>(
      db,
      `select case when grouping(team) = 1 then 3 else 1 end as level, team, null as application, count(*)::int as deployments,
         count(failed_at)::int as failed, count(restored_at)::int as restored, count(lead_ms)::int as lead_times, ${PERCENTILES}
       from ${ORDERED} group by rollup (team)`,
      params(filter),
    ),
  ]);
  const rows = [...applications.rows, ...levels.rows].map(figureRow);
  const apps = rows.filter((row) => row.level === 'application');
  for (const row of rows) {
    if (row.level === 'application') continue;
    const members = apps.filter((app) => row.level === 'total' || app.team === row.team);
    const cut = (pick: (app: FigureRow) => string[]) => {
      const ids: string[] = [];
      for (const app of members) {
        if (ids.length >= idsLimit) break;
        ids.push(...pick(app).slice(0, idsLimit - ids.length));
      }
      return ids;
    };
    Object.assign(row, {
      ids: cut((app) => app.ids),
      failedIds: cut((app) => app.failedIds),
      restoredIds: cut((app) => app.restoredIds),
      openIds: cut((app) => app.openIds),
      leadIds: cut((app) => app.leadIds),
    });
  }
  return rows;
}

const LEVELS: Record<number, InsightsLevel> = { 3: 'total', 1: 'team', 0: 'application' };

function figureRow(row: Record<string, unknown>): FigureRow {
  const split = (value: unknown) => (typeof value === 'string' && value !== '' ? value.split(',') : []);
  const restore = (row.restore_ms as number[] | null) ?? [null, null];
  const lead = (row.lead_ms as number[] | null) ?? [null, null];
  return {
    level: LEVELS[row.level as number]!,
    team: row.team as string | null,
    application: row.application as string | null,
    deployments: row.deployments as number,
    ids: split(row.ids),
    failed: row.failed as number,
    failedIds: split(row.failed_ids),
    restored: row.restored as number,
    restoreMedianMs: restore[0] ?? null,
    restoreP90Ms: restore[1] ?? null,
    restoredIds: split(row.restored_ids),
    openIds: split(row.open_ids),
    leadTimes: row.lead_times as number,
    leadMedianMs: lead[0] ?? null,
    leadP90Ms: lead[1] ?? null,
    leadIds: split(row.lead_ids),
  };
}

const DAY_MS = 86_400_000;

/**
 * Deployments and failures per application and UTC day, one `day:n:failed` list per application: whole days
 * from `insight_days`, the two days the window's ends cut from the outcome rows themselves.
 */
export async function dayRows(db: Db, filter: InsightsFilter): Promise<DayRow[]> {
  const firstWhole = Math.ceil(filter.from.getTime() / DAY_MS);
  const end = Math.floor(filter.to.getTime() / DAY_MS);
  const result = await read<{ team: string | null; application: string; days: string }>(
    db,
    `select team, application, string_agg(day || ':' || n || ':' || failed, ',') as days
     from (
       select team, application, day, sum(deployments) as n, sum(failed) as failed from (
         select team, application, day, deployments, failed from insight_days
         where cluster = $1 and day >= $6 and day < $7 and ($4::text is null or application = $4) and ($5::text is null or team = $5)
         union all
         select team, application, floor(date_part('epoch', at) / 86400)::int, 1, (failed_at is not null)::int from insight_deployments
         where ${WHERE} and (at < to_timestamp($6::double precision * 86400) or at >= to_timestamp($7::double precision * 86400))
       ) x group by team, application, day
     ) d
     group by team, application`,
    [...params(filter), firstWhole, end],
  );
  return result.rows.map((row) => ({
    team: row.team,
    application: row.application,
    days: row.days.split(',').map((point) => {
      const [day, deployments, failed] = point.split(':').map(Number) as [number, number, number];
      return { day: day * DAY_MS, deployments, failed };
    }),
  }));
}

/**
 * A team's channels for the weekly summary: the channels its counted deployments in [from, to) named that
 * contain the team's name (`team-studadm` in `#team-studadm`, `#team-studadm-dev`), as the team was found.
 */
export async function teamChannels(db: Db, cluster: string, from: Date, to: Date): Promise<Map<string, string[]>> {
  const result = await db.query<{ team: string; channels: string[] }>(
    `select d.team, array_agg(distinct channel order by channel) as channels
     from insight_deployments d join insight_facts f using (event_id), unnest(f.channels) as channel
     where d.cluster = $1 and d.at >= $2 and d.at < $3 and d.team is not null
       and strpos(lower(channel), lower(d.team)) > 0
     group by d.team`,
    [cluster, from, to],
  );
  return new Map(result.rows.map((row) => [row.team, row.channels]));
}
