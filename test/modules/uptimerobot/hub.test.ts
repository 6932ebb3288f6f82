import request from 'supertest';
import { databaseModule } from '../../../modules/database/index.js';
import { uptimerobotModule } from '../../../modules/uptimerobot/index.js';
import { FakeUptimeRobot } from '../../fakes/uptimerobot.js';
import { aspenDeployment, HOSTS_ENV } from '../../support/aspen.js';
import { startTestHub, type TestHub } from '../../support/hub.js';
import { finishedDelivery, putDeployment } from '../../support/deliveries.js';

const API_KEY = 'u1234567-utr-secret-key-for-tests';
const MONITOR_URL = 'https://app.example.test/kth-azure-app/_monitor';

describe('uptimerobot module in a running hub (delete flag off)', () => {
  let fake: FakeUptimeRobot;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeUptimeRobot.start({
      apiKey: API_KEY,
      alertContacts: [
        { id: '2001', friendly_name: '#team-pipeline', type: 11 },
        { id: '2002', friendly_name: '#team-studadm', type: 11 },
        { id: '2003', friendly_name: 'studadm@example.test', type: 2 },
        { id: '2004', friendly_name: '#team-e-larande', type: 11 },
      ],
    });
    hub = await startTestHub({
      modules: [databaseModule, uptimerobotModule],
      env: {
        ...HOSTS_ENV,
        UTR_API_KEY: API_KEY,
        UTR_API_BASE_URL: fake.url,
        UTR_CLUSTERS: 'active,stage',
        UTR_EXCLUDED_APPS: 'kth-excluded-app',
        DELIVERY_MAX_ATTEMPTS: '3',
      },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('creates a keyword monitor on the first deployment, with exactly the form fields UptimeRobot expects', async () => {
    const eventId = await putDeployment(hub, aspenDeployment());
    const { delivery } = await finishedDelivery(hub, eventId, 'uptimerobot');

    expect(delivery.status).toBe('succeeded');
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /getMonitors',
      'POST /getMonitors',
      'POST /getAlertContacts',
      'POST /newMonitor',
    ]);
    for (const r of fake.requests) expect(r.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(fake.requests[0]!.form).toEqual({ search: MONITOR_URL, api_key: API_KEY, format: 'json' });
    expect(fake.requests[1]!.form).toEqual({ search: 'Monitor application', api_key: API_KEY, format: 'json' });
    expect(fake.requests[2]!.form).toEqual({ api_key: API_KEY, format: 'json' });
    expect(fake.calls('newMonitor')[0]!.form).toEqual({
      type: '2',
      url: MONITOR_URL,
      friendly_name: 'Monitor application',
      keyword_type: '2',
      keyword_value: 'APPLICATION_STATUS: OK',
      alert_contacts: '2002_0_0',
      api_key: API_KEY,
      format: 'json',
    });

    const [monitor] = [...fake.monitors.values()];
    expect(monitor).toMatchObject({ url: MONITOR_URL, type: 2, keyword_value: 'APPLICATION_STATUS: OK' });
    expect(delivery.result).toMatchObject({
      summary: `Monitoring ${MONITOR_URL} (created monitor ${monitor!.id})`,
      link: MONITOR_URL,
      details: { action: 'created', monitorId: monitor!.id, alertContact: { id: '2002', name: '#team-studadm' } },
    });
  });

  it('edits the monitor found by URL on the next deployment instead of creating another', async () => {
    await finishedDelivery(hub, await putDeployment(hub, aspenDeployment()), 'uptimerobot');
    const [created] = [...fake.monitors.values()];
    fake.requests.length = 0;

    const eventId = await putDeployment(hub, aspenDeployment({ monitorPattern: 'READY' }));
    const { delivery } = await finishedDelivery(hub, eventId, 'uptimerobot');

    expect(fake.calls('getMonitors')).toHaveLength(1); // the URL search hit, so no name search
    expect(fake.calls('newMonitor')).toHaveLength(0);
    expect(fake.calls('editMonitor')[0]!.form).toEqual({
      id: String(created!.id),
      url: MONITOR_URL,
      friendly_name: 'Monitor application',
      keyword_type: '2',
      keyword_value: 'READY',
      alert_contacts: '2002_0_0',
      api_key: API_KEY,
      format: 'json',
    });
    expect(fake.monitors.size).toBe(1);
    expect(fake.monitors.get(created!.id)?.keyword_value).toBe('READY');
    expect(delivery.result?.summary).toBe(`Monitoring ${MONITOR_URL} (edited monitor ${created!.id})`);
  });

  it('finds the monitor by friendly name when the monitor URL changed, and moves it to the new URL', async () => {
    const old = fake.addMonitor({
      friendly_name: 'Monitor application',
      url: 'https://old.example.test/_monitor',
      type: 2,
    });
    const eventId = await putDeployment(hub, aspenDeployment());
    const { delivery } = await finishedDelivery(hub, eventId, 'uptimerobot');

    expect(fake.calls('getMonitors').map((r) => r.form.search)).toEqual([MONITOR_URL, 'Monitor application']);
    expect(fake.calls('editMonitor')[0]!.form.id).toBe(String(old.id));
    expect(fake.monitors.get(old.id)?.url).toBe(MONITOR_URL);
    expect(delivery.result?.summary).toBe(`Monitoring ${MONITOR_URL} (edited monitor ${old.id})`);
  });

  it("alerts the Slack contact of the deployment's team, and #team-pipeline when the team has none", async () => {
    const eLarande = await putDeployment(
      hub,
      aspenDeployment({ applicationName: 'app-a', applicationPath: '/app-a', team: 'team-e-larande' }),
    );
    await finishedDelivery(hub, eLarande, 'uptimerobot');
    const noContact = await putDeployment(
      hub,
      aspenDeployment({
        applicationName: 'app-b',
        applicationPath: '/app-b',
        publicNameEnglish: 'B',
        slackChannels: '#team-kursinfo',
      }),
    );
    const { delivery } = await finishedDelivery(hub, noContact, 'uptimerobot');

    expect(fake.calls('newMonitor').map((r) => [r.form.friendly_name, r.form.alert_contacts])).toEqual([
      ['Monitor application', '2004_0_0'],
      ['B', '2001_0_0'],
    ]);
    expect(delivery.result?.details).toMatchObject({ alertContact: { id: '2001', name: '#team-pipeline' } });
  });

  it('leaves excluded apps, unmonitored clusters and unpublished apps untouched', async () => {
    const cases = [
      [aspenDeployment({ applicationName: 'kth-excluded-app' }), 'skipped: kth-excluded-app is in UTR_EXCLUDED_APPS'],
      [aspenDeployment({ cluster: 'integral' }), 'skipped: cluster integral is not in UTR_CLUSTERS'],
      [aspenDeployment({ applicationPath: null }), 'skipped: no applicationPath (not published)'],
    ] as const;
    for (const [body, summary] of cases) {
      const { delivery } = await finishedDelivery(hub, await putDeployment(hub, body), 'uptimerobot');
      expect(delivery).toMatchObject({ status: 'succeeded', result: { notify: false, summary } });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('never creates nor deletes a monitor on zero replicas while the delete flag is off', async () => {
    const existing = fake.addMonitor({ friendly_name: 'Monitor application', url: MONITOR_URL, type: 2 });
    const { delivery } = await finishedDelivery(
      hub,
      await putDeployment(hub, aspenDeployment({ replicas: 0 })),
      'uptimerobot',
    );
    const other = await putDeployment(
      hub,
      aspenDeployment({ applicationName: 'app-c', applicationPath: '/app-c', replicas: 0 }),
    );
    await finishedDelivery(hub, other, 'uptimerobot');

    expect(fake.requests).toHaveLength(0);
    expect(fake.monitors.get(existing.id)).toBeDefined();
    expect(delivery.result).toEqual({
      notify: false,
      summary: 'skipped: zero replicas; monitor left as it is (FEATURE_FLAG_UTR_DELETE_ON_ZERO_REPLICAS is off)',
    });
  });

  it('goes dead at once on a rejected API key, with the error on the event and the key nowhere in it', async () => {
    fake.failNext({
      kind: 'stat',
      error: { type: 'invalid_parameter', parameter_name: 'api_key', passed_value: API_KEY },
    });
    const eventId = await putDeployment(hub, aspenDeployment());
    const { delivery, event } = await finishedDelivery(hub, eventId, 'uptimerobot');

    expect(delivery).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: {
        message: 'UptimeRobot getMonitors failed: invalid_parameter (api_key)',
        code: 'HUB_ERR_UPSTREAM_AUTH',
        reason: 'UTR_AUTH',
        permanent: true,
      },
    });
    expect(fake.calls('newMonitor')).toHaveLength(0);
    expect(JSON.stringify(event)).not.toContain(API_KEY);
  });

  it('retries after a 503 and creates the monitor on the next attempt', async () => {
    fake.failNext({ kind: 'http', status: 503, body: 'upstream busy' }, { method: 'getAlertContacts' });
    const eventId = await putDeployment(hub, aspenDeployment());
    const { delivery } = await finishedDelivery(hub, eventId, 'uptimerobot');

    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(delivery.lifecycle.map((step) => step.status)).toEqual([
      'queued',
      'in_progress',
      'failed',
      'in_progress',
      'succeeded',
    ]);
    expect(delivery.lifecycle[2]!.detail).toMatchObject({
      message: 'UptimeRobot answered 503: upstream busy',
      status: 503,
    });
    expect(fake.calls('newMonitor')).toHaveLength(1);
    expect(fake.monitors.size).toBe(1);
  });

  it("carries UptimeRobot's message when it refuses a monitor", async () => {
    fake.failNext(
      { kind: 'stat', error: { type: 'invalid_parameter', parameter_name: 'url', message: 'url is not valid.' } },
      { method: 'newMonitor' },
    );
    const { delivery } = await finishedDelivery(hub, await putDeployment(hub, aspenDeployment()), 'uptimerobot');
    expect(delivery).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: { message: 'UptimeRobot newMonitor failed: url is not valid.' },
    });
  });

  it('shows the module as on in the module list', async () => {
    const res = await request(hub.url).get('/api/v1/modules').expect(200);
    expect(res.body.modules).toContainEqual(
      expect.objectContaining({ name: 'uptimerobot', enabled: true, reason: null }),
    );
  });
});
