import request from 'supertest';
import { databaseModule } from '../../../modules/database/index.js';
import { detectifyModule } from '../../../modules/detectify/index.js';
import { keyLabel } from '../../../modules/detectify/errors.js';
import { FakeDetectify } from '../../fakes/detectify.js';
import { aspenDeployment, HOSTS_ENV } from '../../support/aspen.js';
import { startTestHub, type TestHub } from '../../support/hub.js';
import { finishedDelivery, putDeployment } from '../../support/deliveries.js';

const KEY_ONE = 'dk1-4f3e2d1c0b9a8f7e6d5c4b3a29181716';
const KEY_TWO = 'dk2-a1b2c3d4e5f60718293a4b5c6d7e8f90';
const LABEL_ONE = keyLabel(KEY_ONE, 0);
const LABEL_TWO = keyLabel(KEY_TWO, 1);

describe('detectify module in a running hub', () => {
  let fake: FakeDetectify;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeDetectify.start();
    hub = await startTestHub({
      modules: [databaseModule, detectifyModule],
      env: {
        ...HOSTS_ENV,
        DETECTIFY_API_KEYS: `${KEY_ONE},${KEY_TWO}`,
        DETECTIFY_CLUSTERS: 'active,integral',
        DETECTIFY_API_BASE_URL: fake.url,
        DELIVERY_MAX_ATTEMPTS: '3',
      },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.stop();
  });
  beforeEach(() => {
    fake.reset();
    fake.addKey(KEY_ONE, [
      { token: 'aaa111' },
      { token: 'bbb222', state: 'running' },
      { token: 'ddd444', domainVerified: false },
    ]);
    fake.addKey(KEY_TWO, [{ token: 'ccc333' }]);
  });

  const deploy = (tokens: string, overrides: Record<string, unknown> = {}) =>
    putDeployment(hub, aspenDeployment({ detectifyProfileTokens: tokens, ...overrides }));

  it('starts a scan only for profiles whose scan is stopped, each with the key that holds it', async () => {
    const eventId = await deploy('aaa111,bbb222,ccc333,zzz999');
    const { delivery } = await finishedDelivery(hub, eventId, 'detectify');

    expect(fake.calls()).toEqual([
      'GET /profiles/',
      'GET /scans/aaa111/',
      'POST /scans/aaa111/',
      'GET /scans/bbb222/',
      'GET /profiles/',
      'GET /scans/ccc333/',
      'POST /scans/ccc333/',
    ]);
    expect(fake.requests.map((r) => r.headers['x-detectify-key'])).toEqual([
      KEY_ONE,
      KEY_ONE,
      KEY_ONE,
      KEY_ONE,
      KEY_TWO,
      KEY_TWO,
      KEY_TWO,
    ]);
    expect(fake.requests.every((r) => r.body === undefined)).toBe(true);
    expect(fake.stateOf('aaa111')).toBe('running');
    expect(fake.stateOf('ccc333')).toBe('running');
    expect(delivery).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      result: {
        summary:
          'Detectify: started scans for aaa111, ccc333; already running: bbb222 (running); no profile for zzz999',
        details: {
          profiles: [
            { token: 'aaa111', key: LABEL_ONE, outcome: 'started' },
            { token: 'bbb222', key: LABEL_ONE, outcome: 'running', state: 'running' },
            { token: 'ccc333', key: LABEL_TWO, outcome: 'started' },
          ],
          notFound: ['zzz999'],
        },
      },
    });
  });

  it('does not start a scan again while the one from the previous deployment is running', async () => {
    await finishedDelivery(hub, await deploy('aaa111'), 'detectify');
    fake.requests.length = 0;
    const { delivery } = await finishedDelivery(hub, await deploy('aaa111'), 'detectify');

    expect(fake.calls()).toEqual(['GET /profiles/', 'GET /scans/aaa111/', 'GET /profiles/']);
    expect(delivery.result?.summary).toBe('Detectify: already running: aaa111 (running)');
  });

  it('reports a 409 on start as a scan already running, and the delivery succeeds', async () => {
    fake.failNext(409, { method: 'POST', path: '/scans/aaa111/' });
    const { delivery } = await finishedDelivery(hub, await deploy('aaa111'), 'detectify');

    expect(delivery).toMatchObject({
      status: 'succeeded',
      result: {
        summary: 'Detectify: already running: aaa111 (running)',
        details: {
          profiles: [{ token: 'aaa111', outcome: 'running', message: 'Scan already running for profile (409)' }],
        },
      },
    });
  });

  it('goes dead at once when the domain is not verified (423), naming the profile', async () => {
    const { delivery } = await finishedDelivery(hub, await deploy('ddd444'), 'detectify');

    expect(delivery).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: {
        message: `Detectify ${LABEL_ONE}, profile ddd444: Locked: the domain is not verified (423)`,
        status: 423,
        code: 'HUB_ERR_UPSTREAM',
        reason: 'DETECTIFY_DOMAIN_NOT_VERIFIED',
        permanent: true,
      },
    });
    expect(fake.calls()).toContain('POST /scans/ddd444/');
  });

  it('goes dead at once on a revoked key (401), still scanning with the other key, and never shows the key', async () => {
    fake.setAccess(KEY_ONE, 'revoked');
    const eventId = await deploy('aaa111,ccc333');
    const { delivery, event } = await finishedDelivery(hub, eventId, 'detectify');

    expect(delivery).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: {
        message: `Detectify ${LABEL_ONE}: Invalid API key (401) (meanwhile Detectify: started scan for ccc333)`,
        status: 401,
        code: 'HUB_ERR_UPSTREAM_AUTH',
        reason: 'DETECTIFY_INVALID_KEY',
        permanent: true,
      },
    });
    expect(fake.stateOf('ccc333')).toBe('running');
    const everything = JSON.stringify(event);
    expect(everything).not.toContain(KEY_ONE);
    expect(everything).not.toContain(KEY_TWO);
  });

  it('goes dead at once when the key lacks access (403)', async () => {
    fake.setAccess(KEY_TWO, 'no-access');
    const { delivery } = await finishedDelivery(hub, await deploy('ccc333'), 'detectify');

    expect(delivery).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: {
        message: `Detectify ${LABEL_TWO}: The API key cannot access this functionality (403)`,
        status: 403,
        permanent: true,
      },
    });
  });

  it('retries a 5xx from Detectify and starts the scan on the next attempt, the key absent from every error', async () => {
    fake.failNext(503, { path: '/profiles/', body: `upstream broke for key ${KEY_ONE}` });
    const eventId = await deploy('aaa111');
    const { delivery, event } = await finishedDelivery(hub, eventId, 'detectify');

    expect(delivery).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      result: { summary: 'Detectify: started scan for aaa111' },
    });
    expect(delivery.lifecycle.map((step) => step.status)).toEqual([
      'queued',
      'in_progress',
      'failed',
      'in_progress',
      'succeeded',
    ]);
    expect(delivery.lifecycle[2]!.detail).toMatchObject({
      message: `Detectify ${LABEL_ONE}: Internal Detectify error (503)`,
      status: 503,
      permanent: false,
    });
    expect(fake.calls().filter((call) => call === 'POST /scans/aaa111/')).toHaveLength(1);
    expect(JSON.stringify(event)).not.toContain(KEY_ONE);
  });

  it('gives up after the configured attempts when Detectify keeps failing', async () => {
    fake.failNext(502, { path: '/scans/aaa111/', times: 10 });
    const { delivery } = await finishedDelivery(hub, await deploy('aaa111'), 'detectify');

    expect(delivery).toMatchObject({
      status: 'dead',
      attempts: 3,
      lastError: {
        message: `Detectify ${LABEL_ONE}, profile aaa111: Internal Detectify error (502) (attempts exhausted)`,
      },
    });
    expect(fake.stateOf('aaa111')).toBe('stopped');
  });

  it('on zero replicas starts nothing and reminds to remove the profiles', async () => {
    const { delivery } = await finishedDelivery(
      hub,
      await deploy('aaa111,ccc333', { replicas: 0, cluster: 'stage' }),
      'detectify',
    );

    expect(fake.requests).toHaveLength(0);
    expect(delivery).toMatchObject({
      status: 'succeeded',
      result: { summary: "Don't forget to remove the Detectify profiles for Monitor application (aaa111, ccc333)" },
    });
    expect(delivery.result?.notify).toBeUndefined();
  });

  it('leaves clusters outside DETECTIFY_CLUSTERS and deployments without tokens alone, quietly', async () => {
    const outside = await finishedDelivery(hub, await deploy('aaa111', { cluster: 'stage' }), 'detectify');
    const noTokens = await finishedDelivery(hub, await putDeployment(hub, aspenDeployment()), 'detectify');
    const removedNoTokens = await finishedDelivery(
      hub,
      await putDeployment(hub, aspenDeployment({ replicas: 0 })),
      'detectify',
    );

    expect(fake.requests).toHaveLength(0);
    expect(outside.delivery.result).toEqual({
      notify: false,
      summary: 'skipped: cluster stage is not in DETECTIFY_CLUSTERS',
    });
    expect(noTokens.delivery.result).toEqual({ notify: false, summary: 'skipped: no Detectify profile tokens' });
    expect(removedNoTokens.delivery.result).toEqual({
      notify: false,
      summary: 'skipped: zero replicas and no Detectify profile tokens',
    });
  });
});

describe('detectify module without keys', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({
      modules: [databaseModule, detectifyModule],
      env: { ...HOSTS_ENV, DETECTIFY_CLUSTERS: 'active' },
    });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('is off and says why on the module list', async () => {
    const res = await request(hub.url).get('/api/v1/modules').expect(200);
    expect(res.body.modules).toContainEqual(
      expect.objectContaining({
        name: 'detectify',
        enabled: false,
        configured: false,
        reason: 'no API key: set DETECTIFY_API_KEYS',
      }),
    );
  });
});
