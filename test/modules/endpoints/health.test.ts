import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { endpointsModule } from '../../../modules/endpoints/index.js';
import { createUrlGuard, type HubEvent } from '../../../src/module-api.js';
import { aspenDeployment } from '../../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../../support/hub.js';
import { FlappingEndpoints } from '../../fakes/flapping-endpoint.js';
import { inspectionListener } from '../../support/inspection-listener.js';

const ADMIN_TOKEN = 'endpoints-test-admin-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe("the core's URL guard as endpoint health uses it", () => {
  // Public names resolve to a public address; one name resolves to a private one (DNS pointing inward).
  const resolve = (hostname: string) =>
    Promise.resolve([{ address: hostname === 'inward.kth.se' ? '10.0.0.7' : '93.184.216.34', family: 4 }]);
  const guard = createUrlGuard({
    allowedHosts: ['https://app.example.com', 'http://api-stage.example.com:8080', 'status.example.org', '*.kth.se'],
    setting: 'the allowedHosts parameter',
    resolve,
  });
  it.each([
    ['https://app.example.com/x/_monitor', true],
    ['http://api-stage.example.com:8080/_monitor', true],
    ['http://api-stage.example.com/_monitor', false],
    ['https://status.example.org/_monitor', true],
    ['https://www.kth.se/_monitor', true],
    ['https://evilkth.se/_monitor', false],
    ['https://inward.kth.se/_monitor', false],
    ['http://169.254.169.254/latest/meta-data', false],
    ['ftp://app.example.com/file', false],
  ])('%s -> %s', async (url, expected) => {
    expect((await guard.check(url)).ok).toBe(expected);
  });
});

describe('endpoint health, against monitor pages that flap', () => {
  let hub: TestHub;
  let pages: FlappingEndpoints;
  let base: string;
  const received: Array<HubEvent<'inspection'>> = [];
  let refusedUrl: string;

  const deploy = (name: string, overrides: Record<string, unknown> = {}) =>
    request(hub.url)
      .put('/api/v1/deployment')
      .send(
        aspenDeployment({
          applicationName: name,
          applicationPath: `/${name}`,
          slackChannels: `#team-${name}`,
          ...overrides,
        }),
      )
      .expect(200);

  async function inspect(): Promise<Record<string, { status: string; title: string }>> {
    const queued = await request(hub.url).post('/api/v1/schedules/endpoints.health/run').set(admin).expect(202);
    await waitFor(
      async () => (await request(hub.url).get(new URL(queued.body.url).pathname)).body.status === 'succeeded',
      15_000,
      'an inspection',
    );
    await waitForQuiet(hub);
    const listed = await request(hub.url).get('/api/v1/inspections').expect(200);
    const keys = listed.body.inspections.find((i: { id: string }) => i.id === 'endpoints.health').keys;
    return Object.fromEntries(
      keys.map((k: { dimensions: { application: string }; status: string; title: string }) => [
        k.dimensions.application,
        k,
      ]),
    );
  }

  beforeAll(async () => {
    pages = new FlappingEndpoints();
    base = await pages.start();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/refused/_monitor`;
    await new Promise((resolve) => closed.close(resolve));
    hub = await startTestHub({
      modules: [endpointsModule, inspectionListener(received)],
      env: {
        ADMIN_TOKEN,
        ACTIVE_APP_HOST: base,
        HUB_PUBLIC_URL: 'https://hub.example.com',
        INSPECTION_ENDPOINTS_HEALTH_SLOW_MS: '150',
        INSPECTION_ENDPOINTS_HEALTH_TIMEOUT_MS: '1000',
      },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await pages?.stop();
  });

  it('judges each deployed application: keyword, HTTP errors, slowness, resets, refusals and foreign hosts', async () => {
    await deploy('flappy');
    await deploy('broken');
    await deploy('slowpoke');
    await deploy('resetter');
    await deploy('refused', { monitorUrl: refusedUrl });
    await deploy('elsewhere', { monitorUrl: 'http://10.1.2.3/_monitor' });
    await deploy('removed', { replicas: 0 });
    // A global-mode service runs on every node: it is checked like any other.
    await deploy('everywhere', { replicas: 'global' });
    await deploy('no-monitor', { applicationPath: null, monitorUrl: null });
    pages.modes.set('/broken/_monitor', 'http-500');
    pages.modes.set('/slowpoke/_monitor', 'slow');
    pages.modes.set('/resetter/_monitor', 'reset');
    // The refused URL's host is allowed by the central allow-list; 10.1.2.3 is not.
    await request(hub.url)
      .put('/api/v1/inspections/endpoints.health/parameters')
      .set(admin)
      .send({ allowedHosts: [new URL(refusedUrl).host] })
      .expect(200);

    const keys = await inspect();
    expect(Object.fromEntries(Object.entries(keys).map(([app, key]) => [app, key.status]))).toEqual({
      flappy: 'ok',
      everywhere: 'ok',
      broken: 'error',
      slowpoke: 'warning',
      resetter: 'critical',
      refused: 'critical',
      elsewhere: 'error',
    });
    expect(keys.elsewhere!.title).toMatch(/host not allowed/);
    expect(keys.broken!.title).toMatch(/HTTP 500/);
    expect(keys.refused!.title).toMatch(/refused/);
    expect(pages.hits.filter((path) => path.startsWith('/removed') || path.startsWith('/no-monitor'))).toEqual([]);
  });

  it('alerts once after two failing runs, recovers once after two good runs, and says nothing more', async () => {
    received.length = 0;
    const flappy = () => received.filter((event) => event.payload.dimensions.application === 'flappy');
    pages.modes.set('/flappy/_monitor', 'missing');
    await inspect();
    expect(flappy()).toEqual([]);
    await inspect();
    expect(flappy().map((event) => event.payload.transition)).toEqual(['alert']);
    expect(flappy()[0]!.payload).toMatchObject({
      check: 'endpoints.health',
      key: 'endpoints.health{application=flappy,cluster=active}',
      status: 'error',
      previousStatus: 'error',
      title: expect.stringContaining('keyword missing'),
      slackChannels: ['#team-flappy'],
      link: 'https://hub.example.com/checks/endpoints.health',
    });
    pages.modes.set('/flappy/_monitor', 'ok');
    await inspect();
    expect(flappy()).toHaveLength(1);
    await inspect();
    expect(flappy().map((event) => event.payload.transition)).toEqual(['alert', 'recovered']);
    await inspect();
    await inspect();
    expect(flappy()).toHaveLength(2);
  });

  it('records every run of endpoints.health as a run of the check, listed with the others', async () => {
    const runs = await request(hub.url).get('/api/v1/checks/endpoints.health/runs?limit=2').expect(200);
    expect(runs.body.runs[0]).toMatchObject({
      status: 'completed',
      result: { status: 'critical', message: expect.stringContaining('7 key(s)') },
    });
    const checks = await request(hub.url).get('/api/v1/checks').expect(200);
    expect(checks.body.checks.find((c: { name: string }) => c.name === 'endpoints.health')).toMatchObject({
      kind: 'inspection',
      alert: { state: 'alerting', status: 'critical' },
    });
  });
});
