import { truncate } from '../../src/insights/periods.js';
import {
  DAY,
  HOUR,
  MINUTE,
  createdAt,
  deploymentAt,
  errorAt,
  transitionAt,
  writeHistory,
} from '../support/insights-history.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';

/**
 * GET /api/v1/insights against generated histories with known answers, through a real hub and PostgreSQL.
 * Each case has applications of its own; the history is written before the first read (see insights-history.ts).
 */
const W0 = truncate(Date.now(), 'week') - 8 * 7 * DAY;
/** Week `week` after W0 (a Monday, UTC), day 0-6, at hh:mm(:ss). */
const at = (week: number, day: number, hh: number, mm = 0, ss = 0) =>
  new Date(W0 + (week * 7 + day) * DAY + hh * HOUR + mm * MINUTE + ss * 1000);
const WINDOW = { from: new Date(W0).toISOString(), to: new Date(W0 + 3 * 7 * DAY).toISOString() };

const deploy = (
  application: string,
  when: Date,
  version: string,
  built: Date | null,
  extra: Record<string, unknown> = {},
) =>
  deploymentAt(when, {
    applicationName: application,
    version,
    created: built ? createdAt(built) : null,
    slackChannels: '#team-a',
    team: 'team-a',
    ...extra,
  });

const READ_TOKEN = 'insights-read-token-0123456789';

describe('GET /api/v1/insights', () => {
  let hub: TestHub;
  const ids = new Map<string, string>();

  const get = async (params: Record<string, string>) => {
    const res = await fetch(`${hub.url}/api/v1/insights?${new URLSearchParams(params).toString()}`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const app = (body: Json, name: string) =>
    body.applications.find((entry: { application: string }) => entry.application === name);

  beforeAll(async () => {
    hub = await startTestHub({
      modules: [],
      env: { READ_TOKEN, SCHEDULE_CORE_PRUNE: 'off', SCHEDULE_CORE_INSIGHTS_WEEKLY: 'off' },
    });
    const history = {
      // alpha: five deployments over three weeks, two of them failed and restored, one without created.
      a1: deploy('alpha', at(0, 0, 10), '1', at(0, 0, 8)),
      a2: deploy('alpha', at(0, 1, 10), '2', at(0, 1, 9, 30)),
      a2e1: errorAt(at(0, 1, 11), 'alpha'),
      a2e2: errorAt(at(0, 1, 12), 'alpha'),
      a3: deploy('alpha', at(0, 1, 15), '3', null),
      a4: deploy('alpha', at(1, 3, 9), '4', at(1, 3, 8)),
      a4alert: transitionAt(at(1, 3, 9, 30), 'alpha', 'alert'),
      a4recovered: transitionAt(at(1, 3, 10), 'alpha', 'recovered'),
      a5: deploy('alpha', at(2, 4, 9), '5', at(2, 4, 6)),
      // An error more than 24 h after a5: not a failure of it.
      a5late: errorAt(at(2, 5, 10), 'alpha'),
      // An error about alpha in another cluster: not alpha's in active.
      alphaStage: errorAt(at(2, 4, 10), 'alpha', 'stage'),
      // beta: a failure with no recovery yet.
      b1: deploy('beta', at(1, 2, 10), '1', at(1, 2, 9), { slackChannels: '#team-b', team: 'team-b' }),
      b1e: errorAt(at(1, 2, 10, 5), 'beta'),
      // gamma: two deployments in one minute; the error after the second is the second's only.
      g1: deploy('gamma', at(0, 0, 12, 0, 0), '1', at(0, 0, 11)),
      g2: deploy('gamma', at(0, 0, 12, 0, 40), '2', at(0, 0, 11, 30)),
      g2e: errorAt(at(0, 0, 12, 0, 50), 'gamma'),
      // delta: the same deployment sent again later (not counted), a removal (not a deployment), then the same
      // version deployed again after the removal (counted), and a new version (counted).
      d1: deploy('delta', at(0, 0, 9), '1', at(0, 0, 8)),
      d1again: deploy('delta', at(0, 0, 15), '1', at(0, 0, 8)),
      d1removed: deploy('delta', at(0, 1, 9), '1', at(0, 0, 8), { replicas: 0 }),
      d1back: deploy('delta', at(0, 1, 10), '1', at(0, 0, 8)),
      d2: deploy('delta', at(0, 2, 10), '2', at(0, 2, 9)),
      // epsilon: no created at all.
      e1: deploy('epsilon', at(0, 3, 10), '1', null, { slackChannels: '#team-b', team: 'team-b' }),
      // zeta: deployed in stage only.
      z1: deploy('zeta', at(0, 3, 10), '1', at(0, 3, 9), { cluster: 'stage' }),
    };
    const written = await writeHistory(hub.hub.db, hub.hub.config, Object.values(history));
    Object.keys(history).forEach((name, index) => ids.set(name, written[index]!));
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('counts deployments, failures, restores and lead times of one application as the rules say', async () => {
    const { status, body } = await get({ ...WINDOW, application: 'alpha' });
    expect(status).toBe(200);
    const alpha = app(body, 'alpha');
    expect(body.total).toEqual(expect.objectContaining({ deploymentFrequency: alpha.deploymentFrequency }));
    expect(alpha.deploymentFrequency).toEqual({
      n: 5,
      perInterval: [3, 1, 1],
      deploymentDays: 4,
      medianDaysPerWeek: 1,
      medianDaysPerMonth: expect.any(Number),
      bucket: 'weekly',
      ids: ['a1', 'a2', 'a3', 'a4', 'a5'].map((name) => ids.get(name)),
    });
    // Two errors after a2 count it once; the late error and the stage error count nothing.
    expect(alpha.changeFailureRate).toEqual({
      n: 5,
      failed: 2,
      rate: 0.4,
      text: '40 %',
      perInterval: [1, 1, 0],
      ids: [ids.get('a2'), ids.get('a4')],
    });
    // a2: first error at 11:00, restored by a3 at 15:00 (4 h); a4: alert 09:30, recovered 10:00 (30 min).
    expect(alpha.timeToRestore).toEqual({
      n: 2,
      medianMs: 2.25 * HOUR,
      p90Ms: 0.5 * HOUR + 0.9 * 3.5 * HOUR,
      text: 'median 2 h 15 min · p90 3 h 39 min',
      ids: [ids.get('a2'), ids.get('a4')],
      open: 0,
      openIds: [],
    });
    // Lead times 2 h, 30 min, n/a (no created), 1 h, 3 h.
    expect(alpha.leadTime).toEqual({
      n: 4,
      missing: 1,
      medianMs: 1.5 * HOUR,
      p90Ms: 2.7 * HOUR,
      text: 'median 1 h 30 min · p90 2 h 42 min',
      ids: ['a1', 'a2', 'a4', 'a5'].map((name) => ids.get(name)),
    });
  });

  it('keeps a failure with no recovery yet open, out of the time to restore', async () => {
    const { body } = await get({ ...WINDOW, application: 'beta' });
    expect(app(body, 'beta').changeFailureRate).toMatchObject({ n: 1, failed: 1, rate: 1 });
    expect(app(body, 'beta').timeToRestore).toEqual({
      n: 0,
      medianMs: null,
      p90Ms: null,
      text: 'n/a',
      ids: [],
      open: 1,
      openIds: [ids.get('b1')],
    });
  });

  it('tells two deployments a minute apart from each other: the error after the second fails only the second', async () => {
    const { body } = await get({ ...WINDOW, application: 'gamma' });
    const gamma = app(body, 'gamma');
    expect(gamma.deploymentFrequency).toMatchObject({ n: 2, ids: [ids.get('g1'), ids.get('g2')] });
    expect(gamma.changeFailureRate).toMatchObject({ failed: 1, ids: [ids.get('g2')] });
    // Lead times 60 min and 30 min 40 s.
    expect(gamma.leadTime).toMatchObject({ n: 2, medianMs: 45 * MINUTE + 20_000 });
  });

  it('counts a deployment sent again once, a removal never, and the same version after a removal again', async () => {
    const { body } = await get({ ...WINDOW, application: 'delta' });
    expect(app(body, 'delta').deploymentFrequency).toMatchObject({
      n: 3,
      ids: [ids.get('d1'), ids.get('d1back'), ids.get('d2')],
    });
  });

  it('says n/a, never 0, for lead time when created is missing', async () => {
    const { body } = await get({ ...WINDOW, application: 'epsilon' });
    expect(app(body, 'epsilon').leadTime).toEqual({
      n: 0,
      missing: 1,
      medianMs: null,
      p90Ms: null,
      text: 'n/a',
      ids: [],
    });
  });

  it('answers zeros and n/a when nothing was deployed', async () => {
    const { status, body } = await get({ ...WINDOW, application: 'nothing-here' });
    expect(status).toBe(200);
    expect(body.teams).toEqual([]);
    expect(body.applications).toEqual([]);
    expect(body.total.deploymentFrequency).toEqual({
      n: 0,
      perInterval: [0, 0, 0],
      deploymentDays: 0,
      medianDaysPerWeek: 0,
      medianDaysPerMonth: 0,
      bucket: null,
      ids: [],
    });
    expect(body.total.changeFailureRate).toMatchObject({ n: 0, failed: 0, rate: null, text: 'n/a' });
    expect(body.total.timeToRestore).toMatchObject({ n: 0, open: 0, text: 'n/a' });
    expect(body.total.leadTime).toMatchObject({ n: 0, missing: 0, text: 'n/a' });
  });

  it('filters by cluster and team, and sums teams and the total from the same deployments', async () => {
    const all = (await get(WINDOW)).body;
    expect(all.applications.map((entry: { application: string }) => entry.application)).toEqual([
      'alpha',
      'beta',
      'delta',
      'epsilon',
      'gamma',
    ]);
    expect(
      all.teams.map((entry: { team: string; deploymentFrequency: { n: number } }) => [
        entry.team,
        entry.deploymentFrequency.n,
      ]),
    ).toEqual([
      ['team-a', 10],
      ['team-b', 2],
    ]);
    expect(all.total.deploymentFrequency.n).toBe(12);
    expect(all.total.changeFailureRate).toMatchObject({ failed: 4 });
    const stage = (await get({ ...WINDOW, cluster: 'stage' })).body;
    expect(stage.applications.map((entry: { application: string }) => entry.application)).toEqual(['zeta']);
    const teamB = (await get({ ...WINDOW, team: 'team-b' })).body;
    expect(teamB.applications.map((entry: { application: string }) => entry.application)).toEqual(['beta', 'epsilon']);
    expect(teamB.total.deploymentFrequency.n).toBe(2);
  });

  it('counts per day, week or month, with empty periods as zeros', async () => {
    const days = (await get({ ...WINDOW, application: 'alpha', interval: 'day' })).body;
    expect(days.periods).toHaveLength(21);
    expect(days.periods[0]).toBe(WINDOW.from);
    const perDay: number[] = app(days, 'alpha').deploymentFrequency.perInterval;
    expect(perDay.flatMap((count, day) => (count > 0 ? [[day, count]] : []))).toEqual([
      [0, 1],
      [1, 2],
      [10, 1],
      [18, 1],
    ]);
    const months = (await get({ ...WINDOW, application: 'alpha', interval: 'month' })).body;
    expect(months.periods).toEqual(expect.arrayContaining([expect.stringMatching(/-01T00:00:00.000Z$/)]));
    expect(
      app(months, 'alpha').deploymentFrequency.perInterval.reduce((sum: number, count: number) => sum + count, 0),
    ).toBe(5);
  });

  it('counts only arrivals inside a window whose ends cut days (from inclusive, to exclusive)', async () => {
    // From Tuesday noon of week 0 (after a2 at 10:00, before a3 at 15:00) to Friday 09:30 of week 2 (after a5 at 09:00).
    const window = { from: at(0, 1, 12).toISOString(), to: at(2, 4, 9, 30).toISOString(), application: 'alpha' };
    const weeks = app((await get(window)).body, 'alpha');
    expect(weeks.deploymentFrequency).toMatchObject({
      n: 3,
      perInterval: [1, 1, 1],
      deploymentDays: 3,
      ids: [ids.get('a3'), ids.get('a4'), ids.get('a5')],
    });
    expect(weeks.changeFailureRate).toMatchObject({ n: 3, failed: 1, ids: [ids.get('a4')] });
    const days = app((await get({ ...window, interval: 'day' })).body, 'alpha');
    expect(days.deploymentFrequency.perInterval).toHaveLength(18);
    expect(days.deploymentFrequency.perInterval.slice(0, 1)).toEqual([1]);
    expect(days.deploymentFrequency.perInterval.reduce((sum: number, count: number) => sum + count, 0)).toBe(3);
    const exact = app((await get({ ...window, to: at(2, 4, 9).toISOString() })).body, 'alpha');
    expect(exact.deploymentFrequency.n).toBe(2);
  });

  it('lists at most `ids` ids per figure, and none with ids=0', async () => {
    const two = (await get({ ...WINDOW, application: 'alpha', ids: '2' })).body;
    expect(app(two, 'alpha').deploymentFrequency).toMatchObject({ n: 5, ids: [ids.get('a1'), ids.get('a2')] });
    const none = (await get({ ...WINDOW, application: 'alpha', ids: '0' })).body;
    expect(app(none, 'alpha').deploymentFrequency).toMatchObject({ n: 5, ids: [] });
  });

  it('wants the READ_TOKEN like every read, and lists the weekly schedule as SCHEDULE_CORE_INSIGHTS_WEEKLY set it (off)', async () => {
    const refused = await fetch(`${hub.url}/api/v1/insights`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as Json).error.code).toBe('HUB_ERR_UNAUTHORIZED');
    const schedules = (await (
      await fetch(`${hub.url}/api/v1/schedules`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })
    ).json()) as Json;
    expect(
      schedules.schedules.find((schedule: { id: string }) => schedule.id === 'core.insights-weekly'),
    ).toMatchObject({
      owner: 'core',
      cron: null,
      enabled: false,
    });
  });

  it('answers 400 naming the parameter for bad input, never a 5xx', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ interval: 'year' }, 'interval'],
      [{ from: 'last tuesday' }, 'from'],
      [{ from: '2026-12-01', to: '2026-11-01' }, 'from'],
      [{ from: '2020-01-01', to: '2026-01-01' }, 'from'],
      [{ ids: '-1' }, 'ids'],
      [{ ids: 'many' }, 'ids'],
      [{ application: 'x'.repeat(201) }, 'application'],
    ];
    for (const [params, field] of cases) {
      const { status, body } = await get(params);
      expect({
        params,
        status,
        code: body.error.code,
        fields: body.error.fields.map((f: { field: string }) => f.field),
      }).toEqual({
        params,
        status: 400,
        code: 'HUB_ERR_VALIDATION',
        fields: [field],
      });
    }
  });
});
