import type { WeekFigures } from '../events/types.js';
import type { DayRow, FigureRow, InsightsLevel, Interval } from '../store/insights-repo.js';
import { periodStarts, seriesKey, seriesOf, type SeriesRow } from './periods.js';

/**
 * The four measures as the API, the page and the weekly summary show them, from what PostgreSQL summed
 * (src/store/insights-repo.ts) and periods.ts laid out in time. Pure: periods with no deployment count as zero
 * here, medians of deployment days are taken here, and nothing reads a clock.
 */

export type FrequencyBucket = 'daily' | 'weekly' | 'monthly' | 'yearly';

export interface DeploymentFrequency {
  n: number;
  /** Deployments per interval, one number per `periods` entry of the answer, zeros included. */
  perInterval: number[];
  /** Days (UTC) with at least one deployment. */
  deploymentDays: number;
  /** Median over the calendar weeks (and months) overlapping the window, weeks without a deployment as 0. */
  medianDaysPerWeek: number;
  medianDaysPerMonth: number;
  /** daily: median ≥ 3 days a week; weekly: ≥ 1; monthly: ≥ 1 day a month; else yearly. null without deployments. */
  bucket: FrequencyBucket | null;
  ids: string[];
}

export interface ChangeFailureRate {
  /** Deployments counted (the same as deploymentFrequency.n). */
  n: number;
  failed: number;
  /** failed / n; null (shown "n/a") without deployments. */
  rate: number | null;
  text: string;
  /** Failed deployments per interval. */
  perInterval: number[];
  /** The failed deployments. */
  ids: string[];
}

export interface DurationFigure {
  n: number;
  medianMs: number | null;
  p90Ms: number | null;
  /** "median 42 min · p90 3 h 10 min", or "n/a" when there is nothing to measure. */
  text: string;
  ids: string[];
}

export interface TimeToRestore extends DurationFigure {
  /** Failures not restored yet: not in the median, listed in openIds. */
  open: number;
  openIds: string[];
}

export interface LeadTime extends DurationFigure {
  /** Deployments without a usable `created`: their lead time is n/a, never 0. */
  missing: number;
}

export interface Measures {
  deploymentFrequency: DeploymentFrequency;
  changeFailureRate: ChangeFailureRate;
  timeToRestore: TimeToRestore;
  leadTime: LeadTime;
}

export interface InsightsAnswer {
  cluster: string;
  application: string | null;
  team: string | null;
  from: string;
  to: string;
  interval: Interval;
  /** Start of each interval (UTC; weeks start on Monday); the first and last may be cut by from and to. */
  periods: string[];
  total: Measures;
  teams: Array<{ team: string | null } & Measures>;
  applications: Array<{ application: string; team: string | null } & Measures>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The usual DORA bucket (as Google's Four Keys reads it): by deployment days per week, then per month. */
export function frequencyBucket(
  deployments: number,
  medianDaysPerWeek: number,
  medianDaysPerMonth: number,
): FrequencyBucket | null {
  if (deployments === 0) return null;
  if (medianDaysPerWeek >= 3) return 'daily';
  if (medianDaysPerWeek >= 1) return 'weekly';
  if (medianDaysPerMonth >= 1) return 'monthly';
  return 'yearly';
}

/** "40 s", "12 min", "3 h 5 min", "2 d 4 h"; "n/a" for nothing measured. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'n/a';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60)
    return minutes % 60 === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  const hours = Math.round(ms / 3_600_000);
  return hours % 24 === 0 ? `${hours / 24} d` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? 'n/a' : `${Number((rate * 100).toFixed(1))} %`;
}

function durationText(medianMs: number | null, p90Ms: number | null): string {
  return medianMs === null ? 'n/a' : `median ${formatDuration(medianMs)} · p90 ${formatDuration(p90Ms)}`;
}

export interface Window {
  from: Date;
  to: Date;
  interval: Interval;
}

const EMPTY_ROW = (level: InsightsLevel): FigureRow => ({
  level,
  team: null,
  application: null,
  deployments: 0,
  ids: [],
  failed: 0,
  failedIds: [],
  restored: 0,
  restoreMedianMs: null,
  restoreP90Ms: null,
  restoredIds: [],
  openIds: [],
  leadTimes: 0,
  leadMedianMs: null,
  leadP90Ms: null,
  leadIds: [],
});

/** The four measures of one level and key. */
export function measuresOf(row: FigureRow, series: SeriesRow | undefined, window: Window): Measures {
  const periods = periodStarts(window.from, window.to, window.interval);
  const weeks = periodStarts(window.from, window.to, 'week').map((start) => series?.weekDays.get(start) ?? 0);
  const months = periodStarts(window.from, window.to, 'month').map((start) => series?.monthDays.get(start) ?? 0);
  const medianDaysPerWeek = median(weeks);
  const medianDaysPerMonth = median(months);
  const rate = row.deployments > 0 ? row.failed / row.deployments : null;
  return {
    deploymentFrequency: {
      n: row.deployments,
      perInterval: periods.map((start) => series?.buckets.get(start)?.deployments ?? 0),
      deploymentDays: weeks.reduce((sum, days) => sum + days, 0),
      medianDaysPerWeek,
      medianDaysPerMonth,
      bucket: frequencyBucket(row.deployments, medianDaysPerWeek, medianDaysPerMonth),
      ids: row.ids,
    },
    changeFailureRate: {
      n: row.deployments,
      failed: row.failed,
      rate,
      text: formatRate(rate),
      perInterval: periods.map((start) => series?.buckets.get(start)?.failed ?? 0),
      ids: row.failedIds,
    },
    timeToRestore: {
      n: row.restored,
      medianMs: row.restoreMedianMs,
      p90Ms: row.restoreP90Ms,
      text: durationText(row.restoreMedianMs, row.restoreP90Ms),
      ids: row.restoredIds,
      open: row.failed - row.restored,
      openIds: row.openIds,
    },
    leadTime: {
      n: row.leadTimes,
      medianMs: row.leadMedianMs,
      p90Ms: row.leadP90Ms,
      text: durationText(row.leadMedianMs, row.leadP90Ms),
      ids: row.leadIds,
      missing: row.deployments - row.leadTimes,
    },
  };
}

/** The whole answer: the total (zeros when nothing was deployed), each team, each application of each team. */
export function buildAnswer(
  question: { cluster: string; application?: string; team?: string } & Window,
  figures: readonly FigureRow[],
  days: readonly DayRow[],
): InsightsAnswer {
  const series = seriesOf(days, question.interval);
  const seriesFor = (row: FigureRow) => series.get(seriesKey(row.level, row.team, row.application));
  const byName = (a: string | null, b: string | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a.localeCompare(b);
  const total = figures.find((row) => row.level === 'total') ?? EMPTY_ROW('total');
  return {
    cluster: question.cluster,
    application: question.application ?? null,
    team: question.team ?? null,
    from: question.from.toISOString(),
    to: question.to.toISOString(),
    interval: question.interval,
    periods: periodStarts(question.from, question.to, question.interval).map((start) => new Date(start).toISOString()),
    total: measuresOf(total, seriesFor(total), question),
    teams: figures
      .filter((row) => row.level === 'team')
      .sort((a, b) => byName(a.team, b.team))
      .map((row) => ({ team: row.team, ...measuresOf(row, seriesFor(row), question) })),
    applications: figures
      .filter((row) => row.level === 'application')
      .sort((a, b) => byName(a.application, b.application) || byName(a.team, b.team))
      .map((row) => ({ application: row.application!, team: row.team, ...measuresOf(row, seriesFor(row), question) })),
  };
}

/** A week's figures for the summary, from that week's answer part. */
export function weekFigures(measures: Measures): WeekFigures {
  return {
    deployments: measures.deploymentFrequency.n,
    deploymentDays: measures.deploymentFrequency.deploymentDays,
    failed: measures.changeFailureRate.failed,
    changeFailureRate: measures.changeFailureRate.rate,
    restored: measures.timeToRestore.n,
    timeToRestoreMedianMs: measures.timeToRestore.medianMs,
    leadTimes: measures.leadTime.n,
    leadTimeMedianMs: measures.leadTime.medianMs,
  };
}
