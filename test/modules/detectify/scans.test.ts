import { parseCoreConfig } from '../../../src/config/config.js';
import { DeliveryError, UpstreamError } from '../../../src/errors.js';
import { validateAndEnrich } from '../../../src/ingest/ingest.js';
import { createLogger } from '../../../src/logging/logger.js';
import { Redactor } from '../../../src/logging/redact.js';
import { resolveDisabled } from '../../../src/module-system/registry.js';
import { createHttpClient } from '../../../src/outbound/http-client.js';
import { DetectifyClient } from '../../../modules/detectify/client.js';
import { detectifyConfigSchema, detectifyEnablement } from '../../../modules/detectify/config.js';
import { detectifyError, keyLabel, messageForStatus } from '../../../modules/detectify/errors.js';
import { detectifyModule } from '../../../modules/detectify/index.js';
import {
  decideScanning,
  removalReminder,
  runScans,
  scanOutcome,
  summariseScans,
  type ScanReport,
} from '../../../modules/detectify/scans.js';
import { FakeDetectify } from '../../fakes/detectify.js';
import { aspenDeployment, HOSTS_ENV } from '../../support/aspen.js';

const KEY = 'dk-unit-0123456789abcdef0123456789abcdef';

describe('detectify: status codes', () => {
  it.each([
    [400, 'Malformed scan profile token (400)'],
    [401, 'Invalid API key (401)'],
    [403, 'The API key cannot access this functionality (403)'],
    [404, 'Scan profile not found (404)'],
    [409, 'Scan already running for profile (409)'],
    [423, 'Locked: the domain is not verified (423)'],
    [500, 'Internal Detectify error (500)'],
    [503, 'Internal Detectify error (503)'],
    [418, 'Detectify answered 418'],
  ])('maps %i to "%s"', (status, message) => {
    expect(messageForStatus(status)).toBe(message);
  });

  it('makes 4xx answers permanent and 5xx, 429 and network trouble retryable, keeping Retry-After', () => {
    for (const status of [400, 401, 403, 404, 423]) {
      expect(detectifyError('ctx', new UpstreamError('Detectify', status)).permanent).toBe(true);
    }
    const busy = detectifyError(
      'Detectify key 1',
      new UpstreamError('Detectify', 503, { body: 'oops', retryAfterMs: 2000 }),
    );
    expect(busy).toMatchObject({
      permanent: false,
      status: 503,
      retryAfterMs: 2000,
      code: 'HUB_ERR_UPSTREAM',
      reason: 'DETECTIFY_SERVER_ERROR',
    });
    expect(busy.message).toBe('Detectify key 1: Internal Detectify error (503)');
    expect(detectifyError('ctx', new UpstreamError('Detectify', 429)).permanent).toBe(false);
    const network = detectifyError(
      'ctx',
      new DeliveryError('Detectify unreachable: ECONNREFUSED', { code: 'HUB_ERR_UNREACHABLE', reason: 'ECONNREFUSED' }),
    );
    expect(network).toMatchObject({
      permanent: false,
      code: 'HUB_ERR_UNREACHABLE',
      reason: 'ECONNREFUSED',
      message: 'ctx: Detectify unreachable: ECONNREFUSED',
    });
  });

  it('names a key by position and a short hash, never by the key itself', () => {
    const label = keyLabel(KEY, 1);
    expect(label).toMatch(/^key 2 \(sha256:[0-9a-f]{8}\)$/);
    expect(label).not.toContain(KEY.slice(0, 8));
    expect(keyLabel(KEY, 1)).toBe(label);
    expect(keyLabel(`${KEY}x`, 1)).not.toBe(label);
  });
});

describe('detectify: what a deployment asks for', () => {
  const config = { clusters: ['active'] };

  it('scans only in DETECTIFY_CLUSTERS and only with tokens', () => {
    expect(decideScanning({ removal: false, cluster: 'active', detectifyProfileTokens: ['a1'] }, config)).toEqual({
      action: 'scan',
      tokens: ['a1'],
    });
    expect(decideScanning({ removal: false, cluster: 'stage', detectifyProfileTokens: ['a1'] }, config)).toEqual({
      action: 'skip',
      reason: 'cluster stage is not in DETECTIFY_CLUSTERS',
    });
    expect(decideScanning({ removal: false, cluster: 'active', detectifyProfileTokens: [] }, config)).toEqual({
      action: 'skip',
      reason: 'no Detectify profile tokens',
    });
  });

  it('scans a global-mode service ("replicas": "global") as a running one, never reminds to remove it', () => {
    const parsed = parseCoreConfig(HOSTS_ENV);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const everywhere = validateAndEnrich(
      'deployment',
      aspenDeployment({ replicas: 'global', detectifyProfileTokens: 'b2,a1' }),
      parsed.value,
    );
    expect(decideScanning(everywhere, config)).toEqual({ action: 'scan', tokens: ['a1', 'b2'] });
  });

  it('only reminds on zero replicas, in any cluster, and only with tokens', () => {
    expect(decideScanning({ removal: true, cluster: 'stage', detectifyProfileTokens: ['a1', 'b2'] }, config)).toEqual({
      action: 'remind',
      tokens: ['a1', 'b2'],
    });
    expect(decideScanning({ removal: true, cluster: 'active', detectifyProfileTokens: [] }, config)).toMatchObject({
      action: 'skip',
    });
    expect(removalReminder({ friendlyName: 'App' }, ['a1']).summary).toBe(
      "Don't forget to remove the Detectify profile for App (a1)",
    );
    expect(removalReminder({ friendlyName: 'App' }, ['a1', 'b2']).summary).toBe(
      "Don't forget to remove the Detectify profiles for App (a1, b2)",
    );
  });
});

describe('detectify: the outcome of a run', () => {
  const base: ScanReport = { profiles: [], keyFailures: [], notFound: [] };

  it('lists started scans, running ones with their state, and tokens without a profile', () => {
    const report: ScanReport = {
      ...base,
      profiles: [
        { token: 'a1', key: 'key 1', outcome: 'started' },
        { token: 'b2', key: 'key 1', outcome: 'running', state: 'running' },
        { token: 'c3', key: 'key 2', outcome: 'started' },
      ],
      notFound: ['z9'],
    };
    expect(summariseScans(report)).toBe(
      'Detectify: started scans for a1, c3; already running: b2 (running); no profile for z9',
    );
    expect(scanOutcome(report)).toMatchObject({ summary: summariseScans(report), details: { notFound: ['z9'] } });
  });

  it('fails permanently only when every failure is permanent, and says what was done meanwhile', () => {
    const permanent = new DeliveryError('Detectify key 2: Invalid API key (401)', { status: 401, permanent: true });
    const retryable = new DeliveryError('Detectify key 3: Internal Detectify error (502)', {
      status: 502,
      retryAfterMs: 1000,
    });
    const started = { token: 'a1', key: 'key 1', outcome: 'started' as const };

    expect(() =>
      scanOutcome({ ...base, profiles: [started], keyFailures: [{ key: 'key 2', error: permanent }] }),
    ).toThrow(
      expect.objectContaining({
        message: 'Detectify key 2: Invalid API key (401) (meanwhile Detectify: started scan for a1)',
        permanent: true,
        status: 401,
      }),
    );
    expect(() =>
      scanOutcome({
        ...base,
        keyFailures: [
          { key: 'key 2', error: permanent },
          { key: 'key 3', error: retryable },
        ],
      }),
    ).toThrow(expect.objectContaining({ permanent: false, retryAfterMs: 1000 }));
  });
});

describe('detectify: one run against the fake API', () => {
  let fake: FakeDetectify;
  const logger = createLogger({ level: 'error', redactor: new Redactor(), silent: true });

  beforeAll(async () => {
    fake = await FakeDetectify.start();
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  const client = () =>
    new DetectifyClient(
      createHttpClient({ baseURL: fake.url, service: 'Detectify' }, { redactor: new Redactor([KEY]), logger }),
    );

  it('treats a 409 on start as already running, not as a failure', async () => {
    fake.addKey(KEY, [{ token: 'a1' }]);
    fake.failNext(409, { method: 'POST' });
    const report = await runScans({ client: client(), keys: [KEY], logger }, ['a1']);
    expect(report.profiles).toEqual([
      {
        token: 'a1',
        key: keyLabel(KEY, 0),
        outcome: 'running',
        state: 'running',
        message: 'Scan already running for profile (409)',
      },
    ]);
    expect(fake.calls()).toEqual(['GET /profiles/', 'GET /scans/a1/', 'POST /scans/a1/']);
  });

  it('keeps going with the next token after one fails', async () => {
    fake.addKey(KEY, [{ token: 'a1', domainVerified: false }, { token: 'b2' }]);
    const report = await runScans({ client: client(), keys: [KEY], logger }, ['a1', 'b2']);
    expect(report.profiles.map((profile) => [profile.token, profile.outcome])).toEqual([
      ['a1', 'failed'],
      ['b2', 'started'],
    ]);
    expect(fake.stateOf('b2')).toBe('running');
  });
});

describe('detectify: configuration', () => {
  it('reads the keys and clusters as lists, and is off without keys', () => {
    const config = detectifyConfigSchema.parse({
      DETECTIFY_API_KEYS: ' k1-abcd , k2-efgh ',
      DETECTIFY_CLUSTERS: 'active,integral',
    });
    expect(config).toEqual({
      apiKeys: ['k1-abcd', 'k2-efgh'],
      clusters: ['active', 'integral'],
      apiBaseUrl: 'https://api.detectify.com/rest/v2',
    });
    expect(detectifyEnablement(detectifyConfigSchema.parse({}))).toEqual({
      enabled: false,
      reason: 'no API key: set DETECTIFY_API_KEYS',
    });
    expect(detectifyModule.secrets?.(config)).toEqual(['k1-abcd', 'k2-efgh']);
  });

  it("is turned off by the original's dotted names in DISABLED_SUBSCRIBERS", () => {
    for (const name of ['detectify', 'modules.subscribers.detectify', 'modules.subscribers.detectify.detectify']) {
      expect(resolveDisabled([detectifyModule], [name]).disabled).toEqual(new Set(['detectify']));
    }
  });
});
