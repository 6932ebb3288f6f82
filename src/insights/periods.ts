import type { DayRow, InsightsLevel, Interval } from '../store/insights-repo.js';

/**
 * Time for insights: periods of a window (UTC days, Monday weeks, months) and applications' day sums summed
 * into periods per application, team and total. Pure, like compute.ts, which turns these into measures.
 */

const DAY_MS = 86_400_000;

/** Sparse series of one level and key, summed from applications' days: start of a period (ms) -> values. */
export interface SeriesRow {
  level: InsightsLevel;
  team: string | null;
  application: string | null;
  /** Deployments and failed ones per interval. */
  buckets: Map<number, { deployments: number; failed: number }>;
  /** Days (UTC) with a deployment, per calendar week (Monday) and per month. */
  weekDays: Map<number, number>;
  monthDays: Map<number, number>;
}

export const seriesKey = (level: InsightsLevel, team: string | null, application: string | null) =>
  JSON.stringify([level, team, application]);

/** Each application's days summed into its periods, its team's and the total's; a day counts once per level. */
export function seriesOf(applications: readonly DayRow[], interval: Interval): Map<string, SeriesRow> {
  const levels = new Map<string, { row: SeriesRow; days: Set<number> }>();
  // 100,000 deployments are some 18,000 application-days but only as many distinct days as the window has.
  const periods = new Map<number, [number, number, number]>();
  const periodsOf = (day: number) => {
    let found = periods.get(day);
    if (!found) periods.set(day, (found = [truncate(day, interval), truncate(day, 'week'), truncate(day, 'month')]));
    return found;
  };
  const levelOf = (level: InsightsLevel, team: string | null, application: string | null) => {
    const key = seriesKey(level, team, application);
    let entry = levels.get(key);
    if (!entry) {
      entry = {
        row: { level, team, application, buckets: new Map(), weekDays: new Map(), monthDays: new Map() },
        days: new Set(),
      };
      levels.set(key, entry);
    }
    return entry;
  };
  for (const app of applications) {
    const entries = [
      levelOf('application', app.team, app.application),
      levelOf('team', app.team, null),
      levelOf('total', null, null),
    ];
    for (const point of app.days) {
      const [bucket, week, month] = periodsOf(point.day);
      for (const entry of entries) {
        const sums = entry.row.buckets.get(bucket);
        if (sums) {
          sums.deployments += point.deployments;
          sums.failed += point.failed;
        } else entry.row.buckets.set(bucket, { deployments: point.deployments, failed: point.failed });
        if (entry.days.has(point.day)) continue;
        entry.days.add(point.day);
        entry.row.weekDays.set(week, (entry.row.weekDays.get(week) ?? 0) + 1);
        entry.row.monthDays.set(month, (entry.row.monthDays.get(month) ?? 0) + 1);
      }
    }
  }
  return new Map([...levels].map(([key, entry]) => [key, entry.row]));
}

/** Starts of the UTC days, Monday weeks or months that overlap [from, to). */
export function periodStarts(from: Date, to: Date, interval: Interval): number[] {
  const starts: number[] = [];
  for (let start = truncate(from.getTime(), interval); start < to.getTime(); start = next(start, interval))
    starts.push(start);
  return starts;
}

export function truncate(ms: number, interval: Interval): number {
  const date = new Date(ms);
  if (interval === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (interval === 'day') return day;
  // getUTCDay: Sunday 0; ISO weeks start on Monday.
  return day - ((date.getUTCDay() + 6) % 7) * DAY_MS;
}

function next(start: number, interval: Interval): number {
  if (interval === 'day') return start + DAY_MS;
  if (interval === 'week') return start + 7 * DAY_MS;
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}
