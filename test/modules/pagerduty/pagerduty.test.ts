import request from 'supertest';
import { pagerdutyModule } from '../../../modules/pagerduty/index.js';
import { FakePagerDuty } from '../../fakes/pagerduty.js';
import { aspenDeployment, HOSTS_ENV } from '../../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../../support/hub.js';
import { ADMIN_TOKEN, admin, alertEscalateRecover, deliveriesOf, report } from '../../support/incidents.js';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefSECRET';

describe('PagerDuty as an incident target', () => {
  let fake: FakePagerDuty;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakePagerDuty.start(ROUTING_KEY);
    hub = await startTestHub({
      modules: [pagerdutyModule],
      env: {
        ...HOSTS_ENV,
        ADMIN_TOKEN,
        PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
        PAGERDUTY_EVENTS_URL: fake.url,
        DELIVERY_TIMEOUT_MS_PAGERDUTY: '1500',
        IDEMPOTENCY_WINDOW_SECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.stop();
  });

  const enqueued = () => fake.server.requests.filter((r) => r.path === '/v2/enqueue');

  it('opens, raises and resolves one incident by one dedup_key through the default routes', async () => {
    await alertEscalateRecover(hub, 'nightly-scan');
    expect(fake.incidents.size).toBe(1);
    const [incident] = [...fake.incidents.values()];
    expect(incident!.dedupKey).toContain('nightly-scan');
    expect(incident!.actions).toEqual(['trigger', 'trigger', 'resolve']);
    expect(incident!.status).toBe('resolved');
    expect(incident!.severity).toBe('critical');

    const [trigger, raise, resolve] = enqueued().map(
      (r) => r.body as { payload: { summary: string } } & Record<string, unknown>,
    );
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: incident!.dedupKey,
      payload: { severity: 'error', source: expect.any(String), class: 'nightly-scan' },
      links: [{ href: expect.stringContaining('/checks/nightly-scan') }],
    });
    expect(trigger!.payload.summary).toContain('second failure');
    expect(raise).toMatchObject({
      event_action: 'trigger',
      dedup_key: incident!.dedupKey,
      payload: { severity: 'critical' },
    });
    expect(resolve).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: incident!.dedupKey });
  });

  it('sends a deployment as a change event', async () => {
    await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'pd-change-1' }))
      .expect(200);
    const change = await waitFor(() =>
      fake.server.requests.find(
        (r) => r.path === '/v2/change/enqueue' && JSON.stringify(r.body).includes('pd-change-1'),
      ),
    );
    expect(change.body).toMatchObject({
      routing_key: ROUTING_KEY,
      payload: { summary: expect.stringContaining('kth-azure-app pd-change-1'), source: 'Alvares' },
    });
    await waitForQuiet(hub);
  });

  it('retries 429 after its Retry-After, and 5xx, then delivers once', async () => {
    const before = enqueued().length;
    fake.server.failNext(
      {
        status: 429,
        body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' },
        headers: { 'Retry-After': '1' },
      },
      { status: 503, body: { status: 'unavailable' } },
    );
    await report(hub, 'rate-scan', 'error', 'one');
    await report(hub, 'rate-scan', 'error', 'two');
    const tries = enqueued().slice(before);
    expect(tries).toHaveLength(3);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(950); // Retry-After: 1
    const incident = [...fake.incidents.values()].find((i) => i.dedupKey.includes('rate-scan'))!;
    expect(incident.actions).toEqual(['trigger']);
    const last = (await deliveriesOf(hub, 'pagerduty')).at(-1)!;
    expect(last).toMatchObject({ status: 'succeeded', attempts: 3 });
  });

  it('retries a call PagerDuty never answers (a timeout)', async () => {
    fake.server.failNext('hang');
    await report(hub, 'slow-scan', 'error', 'one');
    await report(hub, 'slow-scan', 'error', 'two');
    const incident = [...fake.incidents.values()].find((i) => i.dedupKey.includes('slow-scan'))!;
    expect(incident.status).toBe('triggered');
    expect((await deliveriesOf(hub, 'pagerduty')).at(-1)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('takes a 400 as permanent: the delivery goes dead at once, and its error never shows the routing key', async () => {
    fake.server.failNext({
      status: 400,
      body: { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] },
    });
    await report(hub, 'bad-scan', 'error', 'one');
    await report(hub, 'bad-scan', 'error', 'two');
    const last = (await deliveriesOf(hub, 'pagerduty')).at(-1)!;
    expect(last).toMatchObject({ status: 'dead', attempts: 1 });
    expect(JSON.stringify(last.error)).toContain('400');
    expect(JSON.stringify(await deliveriesOf(hub, 'pagerduty'))).not.toContain(ROUTING_KEY);
    const modules = await request(hub.url).get('/api/v1/modules').expect(200);
    expect(JSON.stringify(modules.body)).not.toContain(ROUTING_KEY);
  });

  it('is listed as an incident target, in the default routes for alerts and deployments, and has no templates', async () => {
    const targets = await request(hub.url).get('/api/v1/notify/targets').expect(200);
    expect(targets.body.targets).toEqual([
      expect.objectContaining({
        name: 'pagerduty',
        provider: 'pagerduty',
        capabilities: expect.objectContaining({ incidents: true }),
      }),
    ]);
    expect(JSON.stringify(targets.body)).not.toContain(ROUTING_KEY);
    const routes = await request(hub.url).get('/api/v1/notify/routes').expect(200);
    const named = (name: string) =>
      (routes.body.routes as Array<{ name: string; to: unknown }>).find((r) => r.name === name);
    expect(named('alerts')?.to).toEqual([{ target: 'pagerduty', addresses: ['default'] }]);
    expect(named('deployments')?.to).toEqual([{ target: 'pagerduty', addresses: ['default'] }]);
    expect(named('errors')).toBeUndefined();
    const templates = await request(hub.url).get('/api/v1/notify/templates').expect(200);
    expect(templates.body.templates).toEqual([]);
    const explained = await request(hub.url)
      .post('/api/v1/notify/test')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ type: 'deployment', payload: aspenDeployment({ version: 'pd-explain' }) })
      .expect(200);
    expect(explained.body.sends).toEqual([
      expect.objectContaining({ target: 'pagerduty', address: 'default', kind: 'deployment', route: 'default' }),
    ]);
  });

  it('follows a stored route: one incident by one dedup_key, and nothing for kinds the routes leave out', async () => {
    const routes = {
      routes: [
        {
          name: 'on-call',
          match: { kind: ['alert', 'escalation', 'recovery'] },
          to: [{ target: 'pagerduty', addresses: 'payload' }],
        },
      ],
    };
    expect((await admin(hub, '/api/v1/notify/routes', routes, 'PUT')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // replicas read routes again within 2 s
    const changesBefore = fake.changes.length;
    await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'pd-routed-2' }))
      .expect(200);
    await alertEscalateRecover(hub, 'routed-scan');
    const incident = [...fake.incidents.values()].find((i) => i.dedupKey.includes('routed-scan'))!;
    expect(incident.actions).toEqual(['trigger', 'trigger', 'resolve']);
    expect(fake.changes.length).toBe(changesBefore); // deployments are not in the stored routes
    const results = (await deliveriesOf(hub, 'pagerduty')).map((d) => d.result as { details?: { routes?: unknown } });
    expect(results.at(-1)?.details?.routes).toEqual({ default: 'on-call' });
  });

  it('is off, saying why, without PAGERDUTY_ROUTING_KEY', async () => {
    const off = await startTestHub({ modules: [pagerdutyModule] });
    try {
      const modules = (await request(off.url).get('/api/v1/modules').expect(200)).body.modules;
      expect(modules).toEqual([
        expect.objectContaining({ name: 'pagerduty', enabled: false, reason: 'PAGERDUTY_ROUTING_KEY is not set' }),
      ]);
    } finally {
      await off.stop();
    }
  });
});
