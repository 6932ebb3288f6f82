import request from 'supertest';
import { z } from 'zod';
import { defineInspection, defineModule, type CheckStatus, type HubEvent } from '../../src/module-api.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';
import { inspectionListener } from '../support/inspection-listener.js';

const ADMIN_TOKEN = 'inspections-test-admin-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

interface Seen {
  hub: string;
  firedAt: string;
  level: string;
  apiKey: string;
}

/** Statuses the inspection reports next, shared by every hub of a test (the "world" it looks at). */
const world = { statuses: [] as CheckStatus[], seen: [] as Seen[] };

function prober(hubName: string, every: string) {
  return defineModule({
    name: 'prober',
    description: 'an inspection of the test',
    events: [],
    create: () => ({
      handlers: {},
      inspections: [
        defineInspection({
          name: 'flappy',
          title: 'Flappy',
          description: 'reports what the test scripted',
          every,
          parameters: z.object({
            level: z.string().default('normal'),
            apiKey: z.string().default(''),
            limit: z.number().int().max(10).default(5),
          }),
          secrets: ['apiKey'],
          run: ({ parameters, firedAt }) => {
            world.seen.push({
              hub: hubName,
              firedAt: firedAt.toISOString(),
              level: parameters.level,
              apiKey: parameters.apiKey,
            });
            const status = world.statuses.shift() ?? 'ok';
            return { title: `flappy is ${status}`, message: `*${status}*`, status, dimensions: { app: 'one' } };
          },
        }),
      ],
    }),
  });
}

/** Starts a run now through the admin API and waits for it to end; answers the run's record. */
async function runNow(hub: TestHub, id: string): Promise<{ status: string; result: unknown }> {
  const queued = await request(hub.url).post(`/api/v1/schedules/${id}/run`).set(admin).expect(202);
  expect(queued.body).toMatchObject({
    runId: expect.any(String),
    url: expect.stringContaining(`/api/v1/schedules/${id}/runs/`),
  });
  return waitFor(
    async () => {
      const run = (await request(hub.url).get(new URL(queued.body.url).pathname).expect(200)).body;
      return run.status === 'succeeded' || run.status === 'failed' ? run : null;
    },
    10_000,
    `a run of ${id}`,
  );
}

describe('inspections on two replicas of one store', () => {
  let first: TestHub;
  let second: TestHub;
  const received: Array<HubEvent<'inspection'>> = [];

  beforeAll(async () => {
    world.statuses = [];
    world.seen = [];
    first = await startTestHub({
      modules: [prober('first', '10s'), inspectionListener(received)],
      env: { ADMIN_TOKEN },
    });
    second = await startTestHub({
      modules: [prober('second', '10s'), inspectionListener(received)],
      env: { ADMIN_TOKEN },
      databaseUrl: first.databaseUrl,
    });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('runs each 10-second tick once across both replicas, on the interval grid', async () => {
    await waitFor(() => new Set(world.seen.map((s) => s.firedAt)).size >= 2, 35_000, 'two ticks');
    const ticks = world.seen.map((s) => s.firedAt);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const tick of ticks) expect(new Date(tick).getTime() % 10_000).toBe(0);
    const runs = await request(first.url).get('/api/v1/checks/prober.flappy/runs').expect(200);
    expect(runs.body.kind).toBe('inspection');
    // The newest may be the next tick, still in progress.
    expect(runs.body.runs.find((run: { status: string }) => run.status === 'completed')).toMatchObject({
      result: { status: 'ok' },
    });
  });

  it('applies central parameters from the next run on the other replica, secrets masked', async () => {
    await request(first.url)
      .put('/api/v1/inspections/prober.flappy/parameters')
      .set(admin)
      .send({ level: 'loud', apiKey: 's3cret-key-value' })
      .expect(200);
    const bad = await request(first.url)
      .put('/api/v1/inspections/prober.flappy/parameters')
      .set(admin)
      .send({ limit: 99, nope: 1 })
      .expect(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['limit', 'nope']);
    const before = world.seen.length;
    await runNow(second, 'prober.flappy');
    const latest = world.seen.slice(before);
    expect(latest.length).toBeGreaterThanOrEqual(1);
    expect(latest.at(-1)).toMatchObject({ level: 'loud', apiKey: 's3cret-key-value' });

    const listed = await request(second.url).get('/api/v1/inspections').expect(200);
    const flappy = listed.body.inspections.find((i: { id: string }) => i.id === 'prober.flappy');
    expect(flappy.schedule).toEqual({ cron: null, intervalSeconds: 10 });
    expect(flappy.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'level', value: 'loud', source: 'central', default: 'normal' }),
        expect.objectContaining({ name: 'apiKey', value: '***', source: 'central', secret: true }),
        expect.objectContaining({ name: 'limit', value: 5, source: 'default' }),
      ]),
    );
    expect(JSON.stringify(listed.body)).not.toContain('s3cret-key-value');
    const params = await request(second.url).get('/api/v1/inspections/prober.flappy/parameters').set(admin).expect(200);
    expect(params.body.changes[0].changes).toEqual({
      level: { from: null, to: 'loud' },
      apiKey: { from: null, to: '***' },
    });

    await request(second.url).delete('/api/v1/inspections/prober.flappy/parameters/level').set(admin).expect(200);
    const afterDelete = world.seen.length;
    await runNow(first, 'prober.flappy');
    expect(world.seen.slice(afterDelete).at(-1)).toMatchObject({ level: 'normal' });
    await request(first.url).put('/api/v1/inspections/prober.flappy/parameters').send({ level: 'x' }).expect(401);
  });

  it('answers 409 while a run is queued or running, 404 for unknown schedules', async () => {
    const [a, b] = await Promise.all([
      request(first.url).post('/api/v1/schedules/core.prune/run').set(admin),
      request(second.url).post('/api/v1/schedules/core.prune/run').set(admin),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    await request(first.url).post('/api/v1/schedules/nope.nothing/run').set(admin).expect(404);
  });

  it('alerts once after two bad results, and publishes the transition to subscribed modules', async () => {
    world.statuses = ['error', 'error', 'error'];
    for (let i = 0; i < 3; i += 1) await runNow(i % 2 === 0 ? first : second, 'prober.flappy');
    await waitFor(() => received.length >= 1, 10_000, 'the alert');
    const transitions = await request(first.url).get('/api/v1/inspections/prober.flappy/transitions').expect(200);
    expect(transitions.body.transitions.map((t: { transition: string }) => t.transition)).toEqual(['alert']);
    expect(received).toHaveLength(1);
    expect(received[0]!.payload).toMatchObject({
      check: 'prober.flappy',
      kind: 'inspection',
      key: 'prober.flappy{app=one}',
      transition: 'alert',
      status: 'error',
    });
  });
});

describe('an inspection across a restart', () => {
  it('keeps the alert state in PostgreSQL: no new alert for the first results after a restart', async () => {
    world.statuses = [];
    world.seen = [];
    const received: Array<HubEvent<'inspection'>> = [];
    const before = await startTestHub({
      modules: [prober('before', '0 0 1 1 *'), inspectionListener(received)],
      env: { ADMIN_TOKEN },
    });
    let hub = before;
    const databaseUrl = hub.databaseUrl;
    try {
      world.statuses = ['critical', 'critical'];
      await runNow(hub, 'prober.flappy');
      await runNow(hub, 'prober.flappy');
      await waitFor(() => received.length === 1, 10_000, 'the alert');
      await hub.hub.stop();
      hub = await startTestHub({
        modules: [prober('after', '0 0 1 1 *'), inspectionListener(received)],
        env: { ADMIN_TOKEN },
        databaseUrl,
      });
      world.statuses = ['critical', 'critical', 'ok'];
      for (let i = 0; i < 3; i += 1) await runNow(hub, 'prober.flappy');
      const listed = await request(hub.url).get('/api/v1/inspections').expect(200);
      const key = listed.body.inspections.find((i: { id: string }) => i.id === 'prober.flappy').keys[0];
      expect(key).toMatchObject({
        key: 'prober.flappy{app=one}',
        alerting: true,
        alertStatus: 'critical',
        status: 'ok',
      });
      const transitions = await request(hub.url).get('/api/v1/inspections/prober.flappy/transitions').expect(200);
      expect(transitions.body.transitions.map((t: { transition: string }) => t.transition)).toEqual(['alert']);
      expect(received.map((event) => event.payload.transition)).toEqual(['alert']);
    } finally {
      if (hub !== before) await hub.stop();
      // The first hub owns the test database: stopping it (again) drops it.
      await before.stop();
    }
  });
});
