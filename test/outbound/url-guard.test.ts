import { guardedFetch } from '../../src/outbound/guarded-fetch.js';
import { createUrlGuard, UrlRefusedError, type Resolve } from '../../src/outbound/url-guard.js';
import { startCountingServer, type CountingServer } from './internal-server.js';

/** A resolver standing in for DNS, counting its lookups; names it does not know fail as DNS does. */
function fakeDns(answers: Record<string, string[]>): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (hostname: string) => {
    calls.push(hostname);
    const addresses = answers[hostname];
    if (!addresses) return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolve, { calls });
}

const CORE = {
  hosts: {
    active: { app: 'https://app.example.test', api: 'https://api.example.test:8443' },
    stage: { app: 'http://10.1.2.3:8080' },
    integral: {},
    'integral-stage': {},
  },
  security: { ingestTokens: [], ingestRatePerMinute: 0, authFailuresPerMinute: 0, outboundAllowedHosts: [] },
};

describe('the outbound URL guard: what it allows and why it refuses', () => {
  const dns = fakeDns({
    'app.example.test': ['93.184.216.34'],
    'api.example.test': ['2606:2800:220:1:248:1893:25c8:1946'],
    'docs.example.org': ['93.184.216.35'],
    'a.cdn.example.net': ['93.184.216.36'],
    'rebind.example.org': ['127.0.0.1'],
    'mixed.example.org': ['93.184.216.37', '10.0.0.5'],
    'metadata.example.org': ['169.254.169.254'],
    'mapped.example.org': ['::ffff:127.0.0.1'],
    'nat64.example.org': ['64:ff9b::a9fe:a9fe'],
    'ula.example.org': ['fd00::1'],
    'internal.example.org': ['10.20.30.40'],
  });
  const guard = createUrlGuard({
    core: CORE,
    allowedHosts: [
      'docs.example.org',
      '*.cdn.example.net',
      'rebind.example.org',
      'mixed.example.org',
      'metadata.example.org',
      'mapped.example.org',
      'nat64.example.org',
      'ula.example.org',
      'internal.example.org',
      '10.20.0.0/16',
    ],
    resolve: dns,
  });

  it.each([
    ['https://app.example.test/kth-azure-app', '93.184.216.34'],
    ['http://app.example.test/', '93.184.216.34'],
    ['https://API.example.test:8443/api/x', '2606:2800:220:1:248:1893:25c8:1946'],
    ['http://10.1.2.3:8080/app', '10.1.2.3'],
    ['https://docs.example.org/guide', '93.184.216.35'],
    ['https://a.cdn.example.net/lib.js', '93.184.216.36'],
    // A private address named by an address entry (10.20.0.0/16) is allowed explicitly.
    ['https://internal.example.org/', '10.20.30.40'],
  ])('allows %s, to be fetched from %s', async (url, address) => {
    expect(await guard.check(url)).toMatchObject({ ok: true, url: new URL(url).href, address });
  });

  it.each([
    ['file:///etc/passwd', 'scheme file is not http or https'],
    ['gopher://app.example.test/', 'scheme gopher is not http or https'],
    ['not a url', 'not a valid URL'],
    ['https://user:pw@app.example.test/', 'URLs with credentials are not fetched'],
    [
      'http://169.254.169.254/latest/meta-data/',
      'host 169.254.169.254 is not a cluster host or in OUTBOUND_ALLOWED_HOSTS',
    ],
    ['http://[::1]:8080/', 'host [::1]:8080 is not a cluster host or in OUTBOUND_ALLOWED_HOSTS'],
    ['http://[fd00::1]/', 'host [fd00::1] is not a cluster host or in OUTBOUND_ALLOWED_HOSTS'],
    ['http://0x7f.1/', 'host 127.0.0.1 is not a cluster host or in OUTBOUND_ALLOWED_HOSTS'],
    ['http://10.1.2.3:8081/', 'host 10.1.2.3:8081 is not a cluster host or in OUTBOUND_ALLOWED_HOSTS'],
    ['https://app.example.test:8443/', 'host app.example.test:8443 is not a cluster host or in OUTBOUND_ALLOWED_HOSTS'],
    [
      'https://app.example.test.evil.test/',
      'host app.example.test.evil.test is not a cluster host or in OUTBOUND_ALLOWED_HOSTS',
    ],
    ['https://cdn.example.net/', 'host cdn.example.net is not a cluster host or in OUTBOUND_ALLOWED_HOSTS'],
    [
      'https://rebind.example.org/',
      'host rebind.example.org resolves to 127.0.0.1 (loopback), which is not allowed explicitly',
    ],
    [
      'https://mixed.example.org/',
      'host mixed.example.org resolves to 10.0.0.5 (private), which is not allowed explicitly',
    ],
    [
      'https://metadata.example.org/',
      'host metadata.example.org resolves to 169.254.169.254 (link-local (cloud metadata)), which is not allowed explicitly',
    ],
    [
      'https://mapped.example.org/',
      'host mapped.example.org resolves to ::ffff:127.0.0.1 (loopback), which is not allowed explicitly',
    ],
    [
      'https://nat64.example.org/',
      'host nat64.example.org resolves to 64:ff9b::a9fe:a9fe (link-local (cloud metadata)), which is not allowed explicitly',
    ],
    [
      'https://ula.example.org/',
      'host ula.example.org resolves to fd00::1 (unique local (private)), which is not allowed explicitly',
    ],
  ])('refuses %s: %s', async (url, reason) => {
    expect(await guard.check(url)).toEqual({ ok: false, url: expect.any(String), reason });
  });

  it('says a name that does not resolve may resolve later (temporary), unlike a refusal', async () => {
    const lonely = createUrlGuard({ allowedHosts: ['gone.example.org'], resolve: dns });
    expect(await lonely.check('https://gone.example.org/')).toMatchObject({
      ok: false,
      temporary: true,
      reason: 'host gone.example.org could not be resolved (ENOTFOUND)',
    });
  });

  it('uses the system resolver by default: localhost, allowed by name, resolves to loopback and is refused', async () => {
    const system = createUrlGuard({ allowedHosts: ['localhost:8080'] });
    expect(await system.check('http://localhost:8080/')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^host localhost resolves to (127\.0\.0\.1|::1) \(loopback\)/),
    });
    const explicit = createUrlGuard({ allowedHosts: ['localhost:8080', '127.0.0.0/8', '::1'] });
    expect(await explicit.check('http://localhost:8080/')).toMatchObject({ ok: true });
  });
});

describe('guarded fetches over HTTP', () => {
  let allowed: CountingServer;
  let internal: CountingServer;

  beforeAll(async () => {
    internal = await startCountingServer();
    allowed = await startCountingServer({
      '/to-internal': (res) => res.writeHead(302, { location: `${internal.url}/secret` }).end(),
      '/to-localhost': (res) => res.writeHead(302, { location: `http://localhost:${internal.port}/secret` }).end(),
      '/to-metadata': (res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
      '/to-self': (res, self) => res.writeHead(307, { location: `${self.url}/landing` }).end(),
      '/loop': (res) => res.writeHead(302, { location: '/loop' }).end(),
    });
  });
  afterAll(async () => {
    await allowed.close();
    await internal.close();
  });
  beforeEach(() => {
    internal.requests.length = 0;
  });

  // Everything here runs on 127.0.0.1: the allowed server is allowed by address and port, explicitly.
  const guardFor = (extra: string[] = [], resolve?: Resolve) =>
    createUrlGuard({ allowedHosts: [`127.0.0.1:${allowed.port}`, ...extra], ...(resolve ? { resolve } : {}) });

  it('follows an allowed redirect, checking each hop', async () => {
    const answer = await guardedFetch(guardFor(), `${allowed.url}/to-self`);
    expect(answer).toMatchObject({
      status: 200,
      url: `${allowed.url}/landing`,
      hops: [`${allowed.url}/to-self`, `${allowed.url}/landing`],
    });
    expect(answer.body.toString()).toBe('internal /landing');
  });

  it.each([
    [
      '/to-internal',
      () => `${internal.url}/secret`,
      /is not a cluster host or in OUTBOUND_ALLOWED_HOSTS, redirected from/,
    ],
    [
      '/to-localhost',
      () => `http://localhost:${internal.port}/secret`,
      /resolves to (127\.0\.0\.1|::1) \(loopback\), which is not allowed explicitly/,
    ],
    ['/to-metadata', () => 'http://169.254.169.254/latest/meta-data/', /host 169\.254\.169\.254 is not a cluster host/],
  ])(
    'refuses the redirect hop of %s with a permanent error naming it, and sends it nothing',
    async (path, target, reason) => {
      const failure = await guardedFetch(guardFor([`localhost:${internal.port}`]), `${allowed.url}${path}`).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(UrlRefusedError);
      expect(failure).toMatchObject({
        permanent: true,
        code: 'HUB_ERR_REFUSED',
        refused: [{ url: target(), reason: expect.stringMatching(reason) }],
      });
      expect((failure as Error).message).toContain(target());
      expect(internal.requests).toEqual([]);
    },
  );

  it('refuses a first URL without making any request', async () => {
    await expect(guardedFetch(guardFor(), `${internal.url}/secret`)).rejects.toBeInstanceOf(UrlRefusedError);
    expect(internal.requests).toEqual([]);
  });

  it('resolves a name once per hop and connects to the address it checked (no second DNS answer is used)', async () => {
    // The first answer is the allowed server; any later lookup would answer the internal one's address.
    let answered = 0;
    const calls: string[] = [];
    const rebinding: Resolve = (hostname) => {
      calls.push(hostname);
      answered += 1;
      return Promise.resolve([{ address: answered === 1 ? '127.0.0.1' : '127.0.0.2', family: 4 }]);
    };
    const guard = guardFor([`app.rebind.test:${allowed.port}`], rebinding);
    const answer = await guardedFetch(guard, `http://app.rebind.test:${allowed.port}/hello`);
    expect(answer.status).toBe(200);
    expect(calls).toEqual(['app.rebind.test']);
    expect(allowed.requests.at(-1)).toEqual({ method: 'GET', path: '/hello', host: `app.rebind.test:${allowed.port}` });
  });

  it('gives up after too many redirects', async () => {
    await expect(guardedFetch(guardFor(), `${allowed.url}/loop`, { maxRedirects: 3 })).rejects.toMatchObject({
      reason: 'TOO_MANY_REDIRECTS',
    });
  });
});
