import { buildAnswer, formatDuration, formatRate, frequencyBucket, median } from '../../src/insights/compute.js';
import { periodStarts, truncate } from '../../src/insights/periods.js';
import type { DayRow, FigureRow } from '../../src/store/insights-repo.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe('periods of an insights window', () => {
  it('starts weeks on Monday and days and months at midnight UTC, covering [from, to)', () => {
    // 2026-12-03 is a Thursday.
    expect(iso(truncate(at('2026-12-03T15:00:00Z'), 'week'))).toBe('2026-11-30T00:00:00.000Z');
    expect(iso(truncate(at('2026-12-06T23:59:59Z'), 'week'))).toBe('2026-11-30T00:00:00.000Z');
    expect(iso(truncate(at('2026-12-07T00:00:00Z'), 'week'))).toBe('2026-12-07T00:00:00.000Z');
    expect(iso(truncate(at('2026-12-03T15:00:00Z'), 'day'))).toBe('2026-12-03T00:00:00.000Z');
    expect(iso(truncate(at('2026-12-03T15:00:00Z'), 'month'))).toBe('2026-12-01T00:00:00.000Z');

    const from = new Date('2026-11-27T12:00:00Z');
    const to = new Date('2026-12-08T00:00:00Z');
    expect(periodStarts(from, to, 'week').map(iso)).toEqual([
      '2026-11-23T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
      '2026-12-07T00:00:00.000Z',
    ]);
    expect(periodStarts(from, to, 'day')).toHaveLength(11);
    expect(periodStarts(from, to, 'month').map(iso)).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    // `to` is exclusive: a window ending on a Monday at midnight has no period starting then.
    expect(periodStarts(new Date('2026-11-30T00:00:00Z'), new Date('2026-12-07T00:00:00Z'), 'week')).toHaveLength(1);
    // Months of different lengths, across a year's end.
    expect(periodStarts(new Date('2026-12-15T00:00:00Z'), new Date('2027-03-01T00:00:00Z'), 'month').map(iso)).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
      '2027-02-01T00:00:00.000Z',
    ]);
  });
});

describe('the deployment frequency bucket', () => {
  it('takes the median of deployment days per week, then per month, and has none without deployments', () => {
    expect(median([])).toBe(0);
    expect(median([3, 0, 5])).toBe(3);
    expect(median([4, 0, 1, 2])).toBe(1.5);
    expect(frequencyBucket(0, 0, 0)).toBeNull();
    expect(frequencyBucket(30, 3, 12)).toBe('daily');
    expect(frequencyBucket(20, 2.5, 10)).toBe('weekly');
    expect(frequencyBucket(5, 1, 4)).toBe('weekly');
    expect(frequencyBucket(3, 0, 1)).toBe('monthly');
    expect(frequencyBucket(1, 0, 0)).toBe('yearly');
  });
});

describe('figures as people read them', () => {
  it('writes durations and rates, and n/a for nothing measured', () => {
    expect(formatDuration(null)).toBe('n/a');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(40_000)).toBe('40 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(2 * 3_600_000)).toBe('2 h');
    expect(formatDuration(52 * 3_600_000)).toBe('2 d 4 h');
    expect(formatDuration(72 * 3_600_000)).toBe('3 d');
    expect(formatRate(null)).toBe('n/a');
    expect(formatRate(0)).toBe('0 %');
    expect(formatRate(1 / 6)).toBe('16.7 %');
  });
});

describe('an answer from what PostgreSQL summed', () => {
  const window = {
    cluster: 'active',
    from: new Date('2026-11-02T00:00:00Z'),
    to: new Date('2026-11-23T00:00:00Z'),
    interval: 'week' as const,
  };
  const row = (
    level: FigureRow['level'],
    team: string | null,
    application: string | null,
    deployments: number,
  ): FigureRow => ({
    level,
    team,
    application,
    deployments,
    ids: [],
    failed: 1,
    failedIds: ['f'],
    restored: 0,
    restoreMedianMs: null,
    restoreP90Ms: null,
    restoredIds: [],
    openIds: ['f'],
    leadTimes: 0,
    leadMedianMs: null,
    leadP90Ms: null,
    leadIds: [],
  });

  it('fills periods without deployments with zeros, and sorts teams and applications by name', () => {
    const day = (text: string, deployments: number, failed = 0) => ({ day: Date.parse(text), deployments, failed });
    const days: DayRow[] = [
      { team: 'team-b', application: 'zeta', days: [day('2026-11-16T00:00:00Z', 2, 1)] },
      { team: 'team-b', application: 'eta', days: [day('2026-11-16T00:00:00Z', 1), day('2026-11-17T00:00:00Z', 1)] },
      { team: null, application: 'alpha', days: [day('2026-11-03T00:00:00Z', 1)] },
    ];
    const answer = buildAnswer(
      window,
      [
        row('application', 'team-b', 'zeta', 2),
        row('application', 'team-b', 'eta', 2),
        row('application', null, 'alpha', 1),
        row('team', 'team-b', null, 4),
        row('team', null, null, 1),
      ],
      days,
    );
    expect(answer.periods).toEqual([
      '2026-11-02T00:00:00.000Z',
      '2026-11-09T00:00:00.000Z',
      '2026-11-16T00:00:00.000Z',
    ]);
    expect(answer.applications.map((entry) => entry.application)).toEqual(['alpha', 'eta', 'zeta']);
    expect(answer.teams.map((entry) => entry.team)).toEqual(['team-b', null]);
    // A day two applications of a team deployed on is one deployment day of the team.
    expect(answer.teams[0]!.deploymentFrequency).toMatchObject({
      perInterval: [0, 0, 4],
      deploymentDays: 2,
      medianDaysPerMonth: 2,
    });
    const zeta = answer.applications[2]!;
    expect(zeta.deploymentFrequency).toMatchObject({
      perInterval: [0, 0, 2],
      deploymentDays: 1,
      medianDaysPerWeek: 0,
      medianDaysPerMonth: 1,
      bucket: 'monthly',
    });
    expect(zeta.changeFailureRate).toMatchObject({ perInterval: [0, 0, 1], rate: 0.5, text: '50 %' });
    expect(zeta.timeToRestore).toMatchObject({ n: 0, open: 1, openIds: ['f'], text: 'n/a' });
    expect(answer.total.deploymentFrequency.perInterval).toEqual([1, 0, 4]);
  });

  it('answers a total of zeros when nothing was deployed (PostgreSQL has no total row then)', () => {
    const answer = buildAnswer(window, [], []);
    expect(answer.total.deploymentFrequency).toMatchObject({ n: 0, perInterval: [0, 0, 0], bucket: null });
    expect(answer.total.changeFailureRate.rate).toBeNull();
    expect(answer.teams).toEqual([]);
  });
});
