import type { Db } from './db.js';

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

/** Sparse series of one level and key: start of a period (ms) -> values. */
export interface SeriesRow {
  level: InsightsLevel;
  team: string | null;
  application: string | null;
  /** Deployments and failed ones per interval. */
  buckets: Map<number, { deployments: number; failed: number }>;
  /** Days with a deployment, per calendar week (Monday) and per month, UTC. */
  weekDays: Map<number, number>;
  monthDays: Map<number, number>;
}

export type Interval = 'day' | 'week' | 'month';

const LEVELS: Record<number, InsightsLevel> = { 3: 'total', 1: 'team', 0: 'application' };
const WHERE = `cluster = $1 and at >= $2 and at < $3 and ($4::text is null or application = $4) and ($5::text is null or team = $5)`;
const GROUPS = `grouping sets ((), (team), (team, application))`;

function params(filter: InsightsFilter): unknown[] {
  return [filter.cluster, filter.from, filter.to, filter.application ?? null, filter.team ?? null];
}

/** Ids of the deployments behind a figure, oldest first, at most $6 of them (one string: cheaper than uuid[]). */
const ids = (condition: string) =>
  `coalesce(array_to_string((array_agg(event_id order by at, event_id) filter (where ${condition}))[1:$6], ','), '')`;

/**
 * The four measures for every level in one pass over the window's outcome rows: counts, the ids behind them,
 * and the median and 90th percentile (linear interpolation) of times to restore and lead times.
 */
export async function figureRows(db: Db, filter: InsightsFilter, idsLimit: number): Promise<FigureRow[]> {
  const withIds = idsLimit > 0;
  const list = (condition: string) => (withIds ? ids(condition) : `''`);
  const result = await db.query<Record<string, unknown>>(
    `select grouping(team, application) as level, team, application,
       count(*)::int as deployments, ${list('true')} as ids,
       count(failed_at)::int as failed, ${list('failed_at is not null')} as failed_ids,
       count(restored_at)::int as restored,
       percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from restored_at - failed_at) * 1000) as restore_ms,
       ${list('restored_at is not null')} as restored_ids,
       ${list('failed_at is not null and restored_at is null')} as open_ids,
       count(lead_ms)::int as lead_times,
       percentile_cont(array[0.5, 0.9]) within group (order by lead_ms) as lead_ms,
       ${list('lead_ms is not null')} as lead_ids
     from insight_deployments where ${WHERE}
     group by ${GROUPS}`,
    [...params(filter), ...(withIds ? [idsLimit] : [])],
  );
  const split = (value: unknown) => (typeof value === 'string' && value !== '' ? value.split(',') : []);
  return result.rows.map((row) => {
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
  });
}

/**
 * Per level and key: deployments and failures per interval, and days with a deployment per week and per month
 * (for the frequency bucket), each as one `start:value[:value]` list, so 200 applications are 600 short rows.
 */
export async function seriesRows(db: Db, filter: InsightsFilter, interval: Interval): Promise<SeriesRow[]> {
  const result = await db.query<{ series: 'bucket' | 'week' | 'month'; level: number; team: string | null; application: string | null; points: string }>(
    `with w as materialized (
       select team, application, at, failed_at is not null as failed from insight_deployments where ${WHERE}
     ), buckets as (
       select grouping(team, application) as level, team, application, date_trunc($6, at, 'UTC') as period, count(*) as n, count(*) filter (where failed) as failed
       from w group by grouping sets ((period), (team, period), (team, application, period))
     ), days as (
       select distinct team, application, date_trunc('day', at, 'UTC') as day from w
     ), weeks as (
       select grouping(team, application) as level, team, application, date_trunc('week', day, 'UTC') as period, count(distinct day) as n
       from days group by grouping sets ((period), (team, period), (team, application, period))
     ), months as (
       select grouping(team, application) as level, team, application, date_trunc('month', day, 'UTC') as period, count(distinct day) as n
       from days group by grouping sets ((period), (team, period), (team, application, period))
     )
     select 'bucket' as series, level, team, application, string_agg((extract(epoch from period) * 1000)::bigint || ':' || n || ':' || failed, ',') as points
       from buckets group by level, team, application
     union all
     select 'week', level, team, application, string_agg((extract(epoch from period) * 1000)::bigint || ':' || n, ',') from weeks group by level, team, application
     union all
     select 'month', level, team, application, string_agg((extract(epoch from period) * 1000)::bigint || ':' || n, ',') from months group by level, team, application`,
    [...params(filter), interval],
  );
  const byKey = new Map<string, SeriesRow>();
  for (const row of result.rows) {
    const level = LEVELS[row.level]!;
    const key = JSON.stringify([level, row.team, row.application]);
    let series = byKey.get(key);
    if (!series) {
      series = { level, team: row.team, application: row.application, buckets: new Map(), weekDays: new Map(), monthDays: new Map() };
      byKey.set(key, series);
    }
    for (const point of row.points.split(',')) {
      const [start, first, second] = point.split(':').map(Number) as [number, number, number];
      if (row.series === 'bucket') series.buckets.set(start, { deployments: first, failed: second });
      else (row.series === 'week' ? series.weekDays : series.monthDays).set(start, first);
    }
  }
  return [...byKey.values()];
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
