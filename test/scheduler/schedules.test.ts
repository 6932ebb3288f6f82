import request from 'supertest';
import { defineModule, type ScheduledWork } from '../../src/module-system/contract.js';
import { collectSchedules, overrideVariable } from '../../src/scheduler/schedules.js';
import { createDb } from '../../src/store/db.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../support/hub.js';

/** A configured secret (not of a recognisable shape), which a failing run's error happens to contain. */
const ADMIN_TOKEN = 'scheduler-test-admin-0123456789';

const work = (name: string, cron: string): ScheduledWork => ({ name, cron, run: () => undefined });

describe('collecting schedules at start', () => {
  it('names them <owner>.<name> and applies SCHEDULE_<ID> overrides, `off` included', () => {
    const { schedules, problems } = collectSchedules(
      [
        { owner: 'core', work: work('prune', '17 * * * *') },
        { owner: 'uptime-robot', work: work('sync-all', '*/5 * * * *') },
        { owner: 'detectify', work: work('poll', '0 * * * *') },
      ],
      { UPTIME_ROBOT_SYNC_ALL: '0 3 * * *', DETECTIFY_POLL: 'OFF' },
    );
    expect(problems).toEqual([]);
    expect(schedules.map((schedule) => [schedule.id, schedule.cron])).toEqual([
      ['core.prune', '17 * * * *'],
      ['uptime-robot.sync-all', '0 3 * * *'],
      ['detectify.poll', null],
    ]);
    expect(overrideVariable('uptime-robot.sync-all')).toBe('SCHEDULE_UPTIME_ROBOT_SYNC_ALL');
  });

  it('lists every problem at once: bad patterns, bad names, duplicates, overrides of nothing', () => {
    const { problems } = collectSchedules(
      [
        { owner: 'core', work: work('prune', '61 * * * *') },
        { owner: 'mod', work: work('Bad Name', '* * * * *') },
        { owner: 'mod', work: work('twice', '* * * * *') },
        { owner: 'mod', work: work('twice', '* * * * *') },
        { owner: 'mod', work: work('overridden', '* * * * *') },
      ],
      { MOD_OVERRIDDEN: 'every tuesday', NOTHING_HERE: 'off' },
    );
    expect(problems).toEqual([
      expect.stringMatching(/^schedule "core\.prune": "61 \* \* \* \*" is not a cron pattern \(.*minutes.*\)$/),
      expect.stringMatching(/^schedule "mod\.Bad Name": name must match/),
      'schedule "mod.twice" is declared twice',
      expect.stringMatching(/^SCHEDULE_MOD_OVERRIDDEN: "every tuesday" is not a cron pattern/),
      expect.stringMatching(/^SCHEDULE_NOTHING_HERE: no schedule of that name/),
    ]);
  });

  it('stops a hub from starting with a bad override, naming the variable', async () => {
    await expect(startTestHub({ modules: [], env: { SCHEDULE_CORE_PRUNE: 'whenever' } })).rejects.toThrow(
      /SCHEDULE_CORE_PRUNE: "whenever" is not a cron pattern/,
    );
  });
});

/** A module of the test's own with two every-minute schedules: one that works and one that fails. */
function tickingModule(hubName: string, calls: Array<{ hub: string; schedule: string; firedAt: string }>) {
  return defineModule({
    name: 'ticker',
    description: 'records every scheduled run it gets',
    events: [],
    create: () => ({
      handlers: {},
      schedules: [
        {
          name: 'count',
          cron: '* * * * *',
          run: ({ firedAt }) => {
            calls.push({ hub: hubName, schedule: 'count', firedAt: firedAt.toISOString() });
            return { summary: `counted on ${hubName}`, score: 1 };
          },
        },
        {
          name: 'broken',
          cron: '* * * * *',
          run: ({ firedAt }) => {
            calls.push({ hub: hubName, schedule: 'broken', firedAt: firedAt.toISOString() });
            throw new Error(`upstream refused ${ADMIN_TOKEN}`);
          },
        },
      ],
    }),
  });
}

describe('scheduled work on two replicas of one store', () => {
  let first: TestHub;
  let second: TestHub;
  const calls: Array<{ hub: string; schedule: string; firedAt: string }> = [];

  beforeAll(async () => {
    first = await startTestHub({ modules: [tickingModule('first', calls)], env: { ADMIN_TOKEN } });
    second = await startTestHub({
      modules: [tickingModule('second', calls)],
      databaseUrl: first.databaseUrl,
      env: { ADMIN_TOKEN },
    });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('runs each tick once, on one replica or the other, and records how every run went', async () => {
    // graphile-worker's cron ticks on the minute; the first one after start may be up to a minute away.
    const schedules = await waitFor(
      async () => {
        const body = (await request(first.url).get('/api/v1/schedules').expect(200)).body;
        const byId = new Map(body.schedules.map((schedule: { id: string }) => [schedule.id, schedule]));
        const done = ['ticker.count', 'ticker.broken'].every((id) =>
          (byId.get(id) as { recentRuns: Array<{ status: string }> } | undefined)?.recentRuns.some(
            (run) => run.status !== 'running',
          ),
        );
        return done ? body.schedules : null;
      },
      75_000,
      'the first tick of both schedules',
    );
    // Count only once no tick job is left in the queue: a second job for the same tick, on either replica,
    // would have run by then.
    await waitForQuiet(first, { task: 'schedule' });

    const tick = calls[0]!.firedAt;
    expect(new Date(tick).getUTCSeconds()).toBe(0);
    const ofTick = calls.filter((call) => call.firedAt === tick);
    expect(ofTick.filter((call) => call.schedule === 'count')).toHaveLength(1);
    expect(ofTick.filter((call) => call.schedule === 'broken')).toHaveLength(1);

    const count = schedules.find((schedule: { id: string }) => schedule.id === 'ticker.count');
    expect(count).toMatchObject({ owner: 'ticker', cron: '* * * * *', enabled: true });
    expect(count.recentRuns[0]).toMatchObject({
      firedAt: tick,
      status: 'succeeded',
      attempts: 1,
      result: { score: 1 },
    });
    expect(count.recentRuns[0].result.summary).toMatch(/^counted on (first|second)$/);
    const broken = schedules.find((schedule: { id: string }) => schedule.id === 'ticker.broken');
    expect(broken.recentRuns[0]).toMatchObject({ firedAt: tick, status: 'failed' });
    expect(broken.recentRuns[0].error.message).toBe('upstream refused [REDACTED]');
    expect(JSON.stringify(schedules)).not.toContain(ADMIN_TOKEN);
    // The core's own prune is listed too (hourly, so not run here).
    expect(schedules.find((schedule: { id: string }) => schedule.id === 'core.prune')).toMatchObject({
      owner: 'core',
      cron: '17 * * * *',
    });

    // The store holds one record per schedule and tick, whichever replica ran it.
    const db = createDb(first.databaseUrl, { max: 1 });
    try {
      const rows = await db.query<{ schedule: string; n: number }>(
        // The core's every-minute checks (core.checks, core.deliveries) tick too; this counts the module's.
        `select schedule, count(*)::int as n from scheduled_runs where fired_at = $1 and schedule like 'ticker.%' group by schedule order by schedule`,
        [tick],
      );
      expect(rows.rows).toEqual([
        { schedule: 'ticker.broken', n: 1 },
        { schedule: 'ticker.count', n: 1 },
      ]);
    } finally {
      await db.close();
    }
    // Both replicas answer the same record.
    const fromSecond = (await request(second.url).get('/api/v1/schedules').expect(200)).body.schedules;
    expect(fromSecond.find((schedule: { id: string }) => schedule.id === 'ticker.count').recentRuns[0]).toMatchObject({
      firedAt: tick,
      status: 'succeeded',
    });
  }, 90_000);
});
