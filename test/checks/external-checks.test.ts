import request from 'supertest';
import type { HubEvent } from '../../src/module-api.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';
import { inspectionListener } from '../support/inspection-listener.js';

const ADMIN_TOKEN = 'external-checks-admin-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** A module of the test's own that records every inspection event it is delivered. */
describe('external checks over HTTP', () => {
  let hub: TestHub;
  const received: Array<HubEvent<'inspection'>> = [];
  let token: string;

  beforeAll(async () => {
    hub = await startTestHub({
      modules: [inspectionListener(received)],
      env: { ADMIN_TOKEN, HUB_PUBLIC_URL: 'https://hub.example.com' },
    });
    const created = await request(hub.url)
      .put('/api/v1/checks/nightly-scan')
      .set(admin)
      .send({ description: 'Nightly scan of every team', slackChannels: '#team-a,#ops', maxRuntimeSeconds: 600 })
      .expect(201);
    token = created.body.token;
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('creates a check with a token shown once, and rotates it on request', async () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const updated = await request(hub.url)
      .put('/api/v1/checks/nightly-scan')
      .set(admin)
      .send({ description: 'Nightly scan' })
      .expect(200);
    expect(updated.body).toEqual({
      name: 'nightly-scan',
      check: expect.objectContaining({
        description: 'Nightly scan',
        slackChannels: ['#team-a', '#ops'],
        maxRuntimeSeconds: 600,
      }),
    });
    const stored = await hub.hub.db.query<{ token_hash: Buffer }>(
      `select token_hash from checks where name = 'nightly-scan'`,
    );
    expect(stored.rows[0]!.token_hash.toString('hex')).not.toContain(Buffer.from(token).toString('hex'));

    await request(hub.url).put('/api/v1/checks/rotated').set(admin).send({}).expect(201);
    const rotated = await request(hub.url)
      .put('/api/v1/checks/rotated')
      .set(admin)
      .send({ rotateToken: true })
      .expect(200);
    expect(rotated.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('shows a run in progress, then its result, errors and done; the same runId again answers the same run', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const started = await request(hub.url)
      .post('/api/v1/checks/nightly-scan/runs')
      .set(auth)
      .send({ runId: 'scan-1', target: 'team-a' })
      .expect(201);
    expect(started.body).toMatchObject({ runId: 'scan-1', status: 'in_progress' });
    const again = await request(hub.url)
      .post('/api/v1/checks/nightly-scan/runs')
      .set(auth)
      .send({ runId: 'scan-1', target: 'team-a' })
      .expect(200);
    expect(again.body).toMatchObject({ runId: 'scan-1', status: 'in_progress' });

    const listed = await request(hub.url).get('/api/v1/checks').expect(200);
    expect(listed.body.checks.find((c: { name: string }) => c.name === 'nightly-scan')).toMatchObject({
      kind: 'external',
      inProgress: 1,
      lastResult: null,
    });
    expect(listed.body.checks.find((c: { name: string }) => c.name === 'listener')).toMatchObject({ kind: 'module' });
    expect(listed.body.checks.find((c: { name: string }) => c.name === 'core.deliveries')).toMatchObject({
      kind: 'inspection',
    });

    await request(hub.url)
      .post('/api/v1/checks/nightly-scan/runs/scan-1/result')
      .set(auth)
      .send({ status: 'warning', score: 71.5, message: '**3** findings', error: 'one host did not answer' })
      .expect(200);
    await request(hub.url)
      .post('/api/v1/checks/nightly-scan/runs/scan-1/errors')
      .set(auth)
      .send({ error: 'login failed', detail: 'HTTP 401 from sso' })
      .expect(201);
    const done = await request(hub.url).post('/api/v1/checks/nightly-scan/runs/scan-1/done').set(auth).expect(200);
    expect(done.body).toMatchObject({ runId: 'scan-1', status: 'completed', durationMs: expect.any(Number) });
    await request(hub.url).post('/api/v1/checks/nightly-scan/runs/scan-1/done').set(auth).expect(200);
    await request(hub.url)
      .post('/api/v1/checks/nightly-scan/runs/scan-1/result')
      .set(auth)
      .send({ status: 'ok' })
      .expect(409);
    await request(hub.url)
      .post('/api/v1/checks/nightly-scan/runs/scan-1/errors')
      .set(auth)
      .send({ error: 'late' })
      .expect(409);

    const runs = await request(hub.url).get('/api/v1/checks/nightly-scan/runs?limit=5').expect(200);
    expect(runs.body.runs[0]).toMatchObject({
      runId: 'scan-1',
      status: 'completed',
      target: 'team-a',
      result: { status: 'warning', score: 71.5, message: '**3** findings' },
      errors: [
        { error: 'one host did not answer', detail: null },
        { error: 'login failed', detail: 'HTTP 401 from sso' },
      ],
    });
    const one = await request(hub.url).get(new URL(started.body.url).pathname).expect(200);
    expect(one.body).toMatchObject({ runId: 'scan-1', status: 'completed', result: { status: 'warning' } });
    const errors = await request(hub.url).get('/api/v1/errors?check=nightly-scan').set(admin).expect(200);
    expect(errors.body.errors.map((e: { error: string }) => e.error)).toEqual([
      'login failed',
      'one host did not answer',
    ]);
    await request(hub.url).get('/api/v1/errors').expect(401);
  });

  it('takes one-shot results through the alert state machine: one alert after two bad, one recovery after two good', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const report = (status: string) =>
      request(hub.url)
        .post('/api/v1/checks/nightly-scan/results')
        .set(auth)
        .send({ status, target: 'team-b', message: `all ${status}` })
        .expect(201);
    for (const status of ['ok', 'warning', 'warning', 'critical', 'critical', 'ok', 'ok', 'ok', 'ok'])
      await report(status);
    const transitions = await request(hub.url).get('/api/v1/inspections/nightly-scan/transitions').expect(404);
    expect(transitions.body.error.code).toBe('HUB_ERR_NOT_FOUND');
    await waitFor(() => received.length >= 3, 10_000, 'three inspection events');
    expect(received.map((event) => [event.payload.transition, event.payload.status])).toEqual([
      ['alert', 'warning'],
      ['escalated', 'critical'],
      ['recovered', 'ok'],
    ]);
    expect(received[0]!.payload).toMatchObject({
      check: 'nightly-scan',
      kind: 'external',
      key: 'nightly-scan{target=team-b}',
      dimensions: { target: 'team-b' },
      previousStatus: 'warning',
      slackChannels: ['#team-a', '#ops'],
      link: 'https://hub.example.com/checks/nightly-scan',
      message: 'all warning',
    });
    expect(received[2]!.payload.since).toBe(received[0]!.payload.since);
    const listed = await request(hub.url).get('/api/v1/checks').expect(200);
    expect(listed.body.checks.find((c: { name: string }) => c.name === 'nightly-scan')).toMatchObject({
      lastResult: { status: 'ok' },
      alert: { state: 'ok', alertingKeys: 0 },
    });
  });

  it('answers bad input with 4xx naming the field, unknown checks 404, wrong tokens 401', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const bad = await request(hub.url)
      .post('/api/v1/checks/nightly-scan/results')
      .set(auth)
      .send({ status: 'fine', score: 'high' })
      .expect(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['score', 'status']);
    const big = await request(hub.url)
      .post('/api/v1/checks/nightly-scan/results')
      .set(auth)
      .send({ status: 'ok', message: 'x'.repeat(70_000) })
      .expect(400);
    expect(big.body.error.fields[0]).toMatchObject({ field: 'message', message: 'at most 64 KiB' });
    const unknownField = await request(hub.url)
      .put('/api/v1/checks/nightly-scan')
      .set(admin)
      .send({ every: 5 })
      .expect(400);
    expect(unknownField.body.error.fields[0].field).toBe('every');
    await request(hub.url).put('/api/v1/checks/Bad_Name').set(admin).send({}).expect(400);
    await request(hub.url).put('/api/v1/checks/listener').set(admin).send({}).expect(409);
    await request(hub.url).put('/api/v1/checks/nightly-scan').send({}).expect(401);
    await request(hub.url).post('/api/v1/checks/no-such-check/runs').set(auth).expect(404);
    await request(hub.url).post('/api/v1/checks/nightly-scan/runs').set({ Authorization: 'Bearer wrong' }).expect(401);
    await request(hub.url).post('/api/v1/checks/nightly-scan/runs').expect(401);
    await request(hub.url).post('/api/v1/checks/nightly-scan/runs/nope/done').set(auth).expect(404);
    await request(hub.url)
      .post('/api/v1/checks/nightly-scan/runs')
      .set(admin)
      .send({ runId: 'has spaces' })
      .expect(400);
    await request(hub.url).get('/api/v1/checks/nightly-scan/runs?cursor=garbage').expect(400);
    await request(hub.url).get('/api/v1/checks/nope/runs').expect(404);
  });

  it('pages runs newest first with a cursor', async () => {
    const first = await request(hub.url).get('/api/v1/checks/nightly-scan/runs?limit=3').expect(200);
    expect(first.body.runs).toHaveLength(3);
    const second = await request(hub.url)
      .get(`/api/v1/checks/nightly-scan/runs?limit=3&cursor=${first.body.next}`)
      .expect(200);
    const ids = [...first.body.runs, ...second.body.runs].map((r: { runId: string }) => r.runId);
    expect(new Set(ids).size).toBe(6);
    expect(first.body.runs[0].startedAt >= second.body.runs[0].startedAt).toBe(true);
  });

  it('times out a run in progress past maxRuntimeSeconds, and reports a missed run with a critical "no report"', async () => {
    await request(hub.url)
      .put('/api/v1/checks/quick')
      .set(admin)
      .send({ maxRuntimeSeconds: 1, expectEverySeconds: 10 })
      .expect(201);
    await request(hub.url).post('/api/v1/checks/quick/runs').set(admin).send({ runId: 'slow-1' }).expect(201);
    // Make the check look silent for longer than expectEverySeconds plus its grace, and the run old.
    await hub.hub.db.query(
      `update checks set created_at = now() - interval '2 minutes', last_report_at = now() - interval '2 minutes' where name = 'quick'`,
    );
    await hub.hub.db.query(
      `update check_runs set started_at = now() - interval '5 seconds' where check_name = 'quick'`,
    );
    const queued = await request(hub.url).post('/api/v1/schedules/core.checks/run').set(admin).expect(202);
    await waitFor(
      async () => (await request(hub.url).get(new URL(queued.body.url).pathname)).body.status === 'succeeded',
      10_000,
      'the sweep',
    );
    const runs = (await request(hub.url).get('/api/v1/checks/quick/runs').expect(200)).body.runs;
    expect(runs.find((r: { runId: string }) => r.runId === 'slow-1')).toMatchObject({
      status: 'timed_out',
      errors: [{ error: 'timed out' }],
    });
    expect(
      runs.find((r: { result: { message: string } | null }) => r.result?.message?.startsWith('No report')),
    ).toMatchObject({
      status: 'completed',
      result: { status: 'critical' },
      errors: [{ error: 'no report' }],
    });
    await request(hub.url)
      .post('/api/v1/checks/quick/runs/slow-1/result')
      .set(admin)
      .send({ status: 'ok' })
      .expect(409);
    await request(hub.url).post('/api/v1/checks/quick/runs/slow-1/done').set(admin).expect(409);
  });
});
