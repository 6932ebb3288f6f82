import request from 'supertest';
import { databaseModule } from '../../../modules/database/index.js';
import { uptimerobotModule } from '../../../modules/uptimerobot/index.js';
import { FakeUptimeRobot } from '../../fakes/uptimerobot.js';
import { aspenDeployment, HOSTS_ENV } from '../../support/aspen.js';
import { startTestHub, type TestHub } from '../../support/hub.js';
import { finishedDelivery, putDeployment } from '../../support/deliveries.js';

const API_KEY = 'u7654321-utr-other-key-for-tests';
const MONITOR_URL = 'https://app.example.test/kth-azure-app/_monitor';

describe('uptimerobot module with FEATURE_FLAG_UTR_DELETE_ON_ZERO_REPLICAS on', () => {
  let fake: FakeUptimeRobot;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeUptimeRobot.start({
      apiKey: API_KEY,
      alertContacts: [{ id: '3001', friendly_name: '#team-pipeline', type: 11 }],
    });
    hub = await startTestHub({
      modules: [databaseModule, uptimerobotModule],
      env: {
        ...HOSTS_ENV,
        // The README's name for the key, and a base URL with a trailing slash.
        UPTIMEROBOT_API_KEY: API_KEY,
        UTR_API_BASE_URL: `${fake.url}/`,
        UTR_CLUSTERS: 'active',
        FEATURE_FLAG_UTR_DELETE_ON_ZERO_REPLICAS: 'true',
      },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('deletes the monitor created by an earlier deployment when the app goes to zero replicas', async () => {
    await finishedDelivery(hub, await putDeployment(hub, aspenDeployment()), 'uptimerobot');
    const [created] = [...fake.monitors.values()];
    expect(created?.url).toBe(MONITOR_URL);
    fake.requests.length = 0;

    const { delivery } = await finishedDelivery(
      hub,
      await putDeployment(hub, aspenDeployment({ replicas: 0 })),
      'uptimerobot',
    );

    expect(fake.requests.map((r) => r.path)).toEqual(['/getMonitors', '/deleteMonitor']);
    expect(fake.calls('deleteMonitor')[0]!.form).toEqual({ id: String(created!.id), api_key: API_KEY, format: 'json' });
    expect(fake.monitors.size).toBe(0);
    expect(delivery.result).toMatchObject({
      summary: `No longer monitoring ${MONITOR_URL} (deleted monitor ${created!.id})`,
      link: MONITOR_URL,
      details: { action: 'deleted', monitorId: created!.id },
    });
  });

  it('keeps monitoring a global-mode service ("replicas": "global"): it is running, not being removed', async () => {
    await finishedDelivery(hub, await putDeployment(hub, aspenDeployment()), 'uptimerobot');
    const [created] = [...fake.monitors.values()];
    fake.requests.length = 0;

    const { delivery } = await finishedDelivery(
      hub,
      await putDeployment(hub, aspenDeployment({ replicas: 'global' })),
      'uptimerobot',
    );

    expect(fake.calls('deleteMonitor')).toHaveLength(0);
    expect(fake.calls('editMonitor')).toHaveLength(1);
    expect([...fake.monitors.values()].map((monitor) => monitor.id)).toEqual([created!.id]);
    expect(delivery.result).toMatchObject({ details: { action: 'edited', monitorId: created!.id } });
  });

  it('creates nothing on zero replicas when there is no monitor to delete', async () => {
    const { delivery } = await finishedDelivery(
      hub,
      await putDeployment(hub, aspenDeployment({ replicas: 0 })),
      'uptimerobot',
    );

    expect(fake.requests.map((r) => r.form.search)).toEqual([MONITOR_URL, 'Monitor application']);
    expect(fake.calls('newMonitor')).toHaveLength(0);
    expect(fake.monitors.size).toBe(0);
    expect(delivery.result).toEqual({
      notify: false,
      summary: `skipped: zero replicas and no monitor found for ${MONITOR_URL}`,
    });
  });
});

describe('uptimerobot module without an API key', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({
      modules: [databaseModule, uptimerobotModule],
      env: { ...HOSTS_ENV, UTR_CLUSTERS: 'active' },
    });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('is off, says why, and gets no deliveries', async () => {
    const modules = await request(hub.url).get('/api/v1/modules').expect(200);
    expect(modules.body.modules).toContainEqual(
      expect.objectContaining({
        name: 'uptimerobot',
        enabled: false,
        configured: false,
        reason: 'no API key: set UTR_API_KEY (or UPTIMEROBOT_API_KEY)',
      }),
    );
    const { event } = await finishedDelivery(hub, await putDeployment(hub, aspenDeployment()), 'database');
    expect(event.deliveries.map((d) => d.module)).toEqual(['database']);
  });
});
