import request from 'supertest';
import { opsgenieModule } from '../../../modules/opsgenie/index.js';
import { FakeOpsgenie } from '../../fakes/opsgenie.js';
import { aspenDeployment, HOSTS_ENV } from '../../support/aspen.js';
import { startTestHub, waitForQuiet, type TestHub } from '../../support/hub.js';
import { ADMIN_TOKEN, admin, alertEscalateRecover, deliveriesOf, report } from '../../support/incidents.js';

const API_KEY = 'og-key-00000000-1111-2222-3333-SECRET';

describe('Opsgenie as an incident target', () => {
  let fake: FakeOpsgenie;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeOpsgenie.start(API_KEY);
    hub = await startTestHub({
      modules: [opsgenieModule],
      env: {
        ...HOSTS_ENV,
        ADMIN_TOKEN,
        OPSGENIE_API_KEY: API_KEY,
        OPSGENIE_API_URL: fake.url,
        DELIVERY_TIMEOUT_MS_OPSGENIE: '1500',
        IDEMPOTENCY_WINDOW_SECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.stop();
  });

  const byPath = (pattern: RegExp) => fake.server.requests.filter((r) => pattern.test(r.path));

  it('creates one alert by alias, notes the escalation and closes it by alias, through the default routes', async () => {
    await alertEscalateRecover(hub, 'nightly-scan');
    expect(fake.alerts).toHaveLength(1);
    const [alert] = fake.alerts;
    expect(alert).toMatchObject({ status: 'closed', priority: 'P2', count: 1 });
    expect(alert!.alias).toContain('nightly-scan');
    expect(alert!.notes).toEqual([expect.stringContaining('Escalated to critical (was error)')]);

    const [create] = byPath(/^\/v2\/alerts$/);
    expect(create!.headers.authorization).toBe(`GenieKey ${API_KEY}`);
    expect(create!.body).toMatchObject({
      alias: alert!.alias,
      message: expect.stringContaining('second failure'),
      priority: 'P2',
      source: 'Alvares',
      details: { check: 'nightly-scan', key: alert!.alias },
    });
    const alias = encodeURIComponent(alert!.alias);
    expect(byPath(/\/notes\?/).map((r) => r.path)).toEqual([`/v2/alerts/${alias}/notes?identifierType=alias`]);
    expect(byPath(/\/close\?/).map((r) => r.path)).toEqual([`/v2/alerts/${alias}/close?identifierType=alias`]);
    const results = (await deliveriesOf(hub, 'opsgenie')).map((d) => (d.result as { summary: string }).summary);
    expect(results.at(-1)).toMatch(/^closed nightly-scan.* \(request [0-9a-f-]{36}\)$/);
  });

  it('sends deployments nowhere: Opsgenie is for alerts', async () => {
    const before = fake.server.requests.length;
    await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'og-1' }))
      .expect(200);
    await waitForQuiet(hub);
    expect(fake.server.requests.length).toBe(before);
  });

  it('collapses a retried create onto the open alert: a lost answer, then 429 and 5xx, one alert', async () => {
    const before = byPath(/^\/v2\/alerts$/).length;
    fake.server.failNext(
      'hang',
      {
        status: 429,
        body: { message: 'Rate limit exceeded', took: 0 },
        headers: { 'Retry-After': '1', 'X-RateLimit-State': 'THROTTLED' },
      },
      { status: 502, body: { message: 'Bad gateway' } },
    );
    await report(hub, 'retry-scan', 'error', 'one');
    await report(hub, 'retry-scan', 'error', 'two');
    const tries = byPath(/^\/v2\/alerts$/).slice(before);
    expect(tries).toHaveLength(4);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(950); // Retry-After: 1
    expect(new Set(tries.map((t) => (t.body as { alias: string }).alias)).size).toBe(1);
    expect(fake.alerts.filter((a) => a.alias.includes('retry-scan'))).toEqual([
      expect.objectContaining({ status: 'open', count: 1 }),
    ]);
    expect((await deliveriesOf(hub, 'opsgenie')).at(-1)).toMatchObject({ status: 'succeeded', attempts: 4 });
  });

  it('takes a refused key (401) and a refused field (422) as permanent, never showing the key', async () => {
    fake.server.failNext({ status: 401, body: { message: 'Could not authenticate', took: 0 } });
    await report(hub, 'auth-scan', 'error', 'one');
    await report(hub, 'auth-scan', 'error', 'two');
    const dead = (await deliveriesOf(hub, 'opsgenie')).at(-1)!;
    expect(dead).toMatchObject({ status: 'dead', attempts: 1 });
    expect(JSON.stringify(dead.error)).toContain('401');
    expect(JSON.stringify(await deliveriesOf(hub, 'opsgenie'))).not.toContain(API_KEY);
    const modules = await request(hub.url).get('/api/v1/modules').expect(200);
    expect(JSON.stringify(modules.body)).not.toContain(API_KEY);

    fake.server.failNext({ status: 422, body: { message: 'Message can not be empty.', took: 0 } });
    await report(hub, 'field-scan', 'error', 'one');
    await report(hub, 'field-scan', 'error', 'two');
    expect((await deliveriesOf(hub, 'opsgenie')).at(-1)).toMatchObject({ status: 'dead', attempts: 1 });
  });

  it('follows stored routes in order: one alert by one alias, each call chosen by the route that matched', async () => {
    const routes = {
      routes: [
        {
          name: 'criticals only',
          match: { kind: ['alert'], status: ['critical'] },
          to: [{ target: 'opsgenie', addresses: ['default'] }],
        },
        {
          name: 'on-call',
          match: { kind: ['alert', 'escalation', 'recovery'] },
          to: [{ target: 'opsgenie', addresses: ['default'] }],
        },
      ],
    };
    expect((await admin(hub, '/api/v1/notify/routes', routes, 'PUT')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // replicas read routes again within 2 s
    await alertEscalateRecover(hub, 'routed-scan');
    const alerts = fake.alerts.filter((a) => a.alias.includes('routed-scan'));
    expect(alerts).toEqual([expect.objectContaining({ status: 'closed', count: 1, notes: [expect.any(String)] })]);
    const results = (await deliveriesOf(hub, 'opsgenie')).slice(-3);
    expect(results.map((d) => (d.result as { details?: { routes?: unknown } }).details?.routes)).toEqual([
      { default: 'on-call' },
      { default: 'on-call' },
      { default: 'on-call' },
    ]);
  });

  it('is held by a silence like any notification: an alert it holds is not created, and its delivery names the silence', async () => {
    const created = await admin(hub, '/api/v1/silences', {
      matchers: { check: ['quiet-scan'], kind: ['alert'], target: ['opsgenie'] },
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      reason: 'scanner upgrade',
    });
    expect(created.status).toBe(201);
    const silenceId = ((await created.json()) as { silence: { id: string } }).silence.id;
    try {
      const before = fake.server.requests.length;
      await report(hub, 'quiet-scan', 'error', 'one');
      await report(hub, 'quiet-scan', 'error', 'two');
      expect(fake.server.requests.length).toBe(before);
      const last = await hub.hub.db.query<{ status: string; suppressed_by: string | null }>(
        'select status, suppressed_by from deliveries where module = $1 order by created_at desc limit 1',
        ['opsgenie'],
      );
      expect(last.rows).toEqual([{ status: 'suppressed', suppressed_by: silenceId }]);
    } finally {
      expect((await admin(hub, `/api/v1/silences/${silenceId}`, undefined, 'DELETE')).status).toBe(200);
    }
  });

  it('is off, saying why, without OPSGENIE_API_KEY', async () => {
    const off = await startTestHub({ modules: [opsgenieModule] });
    try {
      const modules = (await request(off.url).get('/api/v1/modules').expect(200)).body.modules;
      expect(modules).toEqual([
        expect.objectContaining({ name: 'opsgenie', enabled: false, reason: 'OPSGENIE_API_KEY is not set' }),
      ]);
    } finally {
      await off.stop();
    }
  });
});
