import http from 'node:http';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const ADMIN_TOKEN = 'admin-token-access-0123456789';
const READ_TOKEN = 'read-token-access-0123456789';
const INGEST_TOKEN = 'ingest-token-access-0123456789';
const METRICS_TOKEN = 'metrics-token-access-0123456789';

interface Answer {
  status: number;
  body: string;
  location?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** A request with the path exactly as given: fetch and supertest would normalise `./`, `//` or case away. */
function send(base: string, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, agent, headers: { 'content-length': '0', ...headers } },
      (res) => {
        // A live stream never ends: its headers are the answer.
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          resolve({ status: res.statusCode ?? 0, body: '' });
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ...(res.headers.location ? { location: res.headers.location } : {}),
          }),
        );
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.end();
  });
}

/**
 * Refused or not found: no handler of the route ran. Handler answers (a 400 naming a field, a 404 naming a
 * missing event, a 200) are "served". A HEAD answer has no body, so its 404 counts as not found.
 */
function denied(answer: Answer, method: string): boolean {
  if ([401, 403, 405, 429].includes(answer.status)) return true;
  if (answer.status === 303 && answer.location?.startsWith('/sign-in')) return true;
  if (answer.status === 404) return method === 'HEAD' || /"no route for /.test(answer.body);
  return false;
}

/** The same path as express would have served it by default, spelt differently. */
function spellings(path: string): string[] {
  const segments = path.split('/').slice(1);
  const last = segments.length - 1;
  const at = (index: number, change: (segment: string) => string) =>
    `/${segments.map((segment, i) => (i === index ? change(segment) : segment)).join('/')}`;
  const encodeFirst = (segment: string) =>
    segment.length === 0 ? '%2F' : `%${segment.charCodeAt(0).toString(16).toUpperCase()}${segment.slice(1)}`;
  const variants = [
    path.toUpperCase(),
    at(0, (segment) => segment.toUpperCase()),
    at(last, (segment) => segment.charAt(0).toUpperCase() + segment.slice(1)),
    `${path}/`,
    `${path}//`,
    `/${path}`,
    at(last, (segment) => `/${segment}`),
    at(0, encodeFirst),
    at(last, encodeFirst),
    at(last, (segment) => `./${segment}`),
    at(last, (segment) => `x/../${segment}`),
    `/${path.slice(1).replace(/\//g, '%2F')}`,
    `${path};x`,
  ];
  return [...new Set(variants)].filter((variant) => variant !== path);
}

/**
 * Every guard decides on the route that will answer: for every route of the OpenAPI document and every kind
 * of credential, no other spelling of the path, no HEAD, OPTIONS or method-override header gets a handler to
 * run where the canonical request is refused.
 */
describe('access is decided on the route, however the request spells it', () => {
  let hub: TestHub;
  let eventId: string;
  let session: string;
  let paths: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    hub = await startTestHub({
      env: {
        ADMIN_TOKEN,
        READ_TOKEN,
        INGEST_TOKENS: `aspen:${INGEST_TOKEN}`,
        METRICS_TOKEN,
        STATUS_PAGE_PUBLIC: 'false',
        DISABLED_SUBSCRIBERS: 'slack,detectify,lighthouse,uptimerobot',
      },
    });
    const put = await fetch(`${hub.url}/api/v1/deployment`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(aspenDeployment()),
    });
    expect(put.status).toBe(200);
    eventId = ((await put.json()) as { id: string }).id;

    const signInPage = await fetch(`${hub.url}/sign-in`);
    const csrfCookie = signInPage.headers.getSetCookie()[0]!.split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())![1]!;
    const signedIn = await fetch(`${hub.url}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token: ADMIN_TOKEN, next: '/' }).toString(),
    });
    expect(signedIn.status).toBe(303);
    const sessionCookie = signedIn.headers
      .getSetCookie()
      .map((line) => line.split(';')[0]!)
      .find((pair) => pair.startsWith('alvares_session='));
    session = `${csrfCookie}; ${sessionCookie}`;

    const document = await fetch(`${hub.url}/api/v1/openapi.json`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    paths = ((await document.json()) as { paths: typeof paths }).paths;
  });
  afterAll(async () => {
    agent.destroy();
    await hub?.stop();
  });

  const credentials = (): Record<string, Record<string, string>> => ({
    none: {},
    wrong: { authorization: 'Bearer wrong-token-0123456789abcdef' },
    read: { authorization: `Bearer ${READ_TOKEN}` },
    ingest: { authorization: `Bearer ${INGEST_TOKEN}` },
    admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
    session: { cookie: session },
    metrics: { authorization: `Bearer ${METRICS_TOKEN}` },
  });

  /** Path parameters filled with values that exist, so a leak would show as a 200. */
  const fill = (path: string) =>
    path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      if (name === 'id' || name === 'eventId') return eventId;
      if (name === 'type') return 'deployment';
      if (name === 'name' || name === 'module') return 'database';
      if (name === 'application' || name === 'app') return 'kth-azure-app';
      return 'x';
    });

  it('refuses every other spelling, HEAD, OPTIONS and method override wherever the canonical request is refused', async () => {
    const routes = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path: fill(path) })),
    );
    expect(routes.length).toBeGreaterThan(60);
    // Shutting down would end the test; it is refused without ADMIN_ALLOW_SHUTDOWN.
    const leaks: string[] = [];
    let tried = 0;
    let refusedCanonically = 0;
    for (const { method, path } of routes) {
      for (const [credential, headers] of Object.entries(credentials())) {
        const canonical = await send(hub.url, method, path, headers);
        if (!denied(canonical, method)) continue;
        refusedCanonically += 1;
        const attempts: Array<{ method: string; path: string; headers: Record<string, string> }> = [
          ...spellings(path).map((variant) => ({ method, path: variant, headers })),
          ...(method === 'GET'
            ? ['HEAD', 'OPTIONS'].map((other) => ({ method: other, path, headers }))
            : [{ method: 'OPTIONS', path, headers }]),
        ];
        tried += attempts.length;
        const answers = await Promise.all(
          attempts.map((attempt) => send(hub.url, attempt.method, attempt.path, attempt.headers)),
        );
        // An override header or field changes nothing: the carrier method gets what it gets without one.
        for (const carrier of ['POST', 'GET']) {
          const plain = await send(hub.url, carrier, path, headers);
          const overridden = await Promise.all([
            ...['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override'].map((header) =>
              send(hub.url, carrier, path, { ...headers, [header]: method }),
            ),
            send(hub.url, carrier, `${path}${path.includes('?') ? '&' : '?'}_method=${method}`, headers),
          ]);
          tried += overridden.length;
          for (const answer of overridden)
            if (answer.status !== plain.status)
              leaks.push(
                `${credential}: ${carrier} ${path} overridden to ${method} answered ${answer.status}, not ${plain.status}`,
              );
        }
        answers.forEach((answer, index) => {
          const attempt = attempts[index]!;
          if (!denied(answer, attempt.method))
            leaks.push(
              `${credential}: ${attempt.method} ${attempt.path} ${JSON.stringify(attempt.headers)} answered ${answer.status} where ${method} ${path} answered ${canonical.status}`,
            );
        });
      }
    }
    expect(leaks).toEqual([]);
    // Every credential class is refused somewhere, so each was really tried against variants.
    expect(refusedCanonically).toBeGreaterThan(routes.length);
    expect(tried).toBeGreaterThan(5_000);
  }, 180_000);

  it('mounts no router that matches paths case-insensitively or ignores a trailing slash', () => {
    interface Layer {
      handle?: { stack?: Layer[]; params?: unknown; caseSensitive?: boolean; strict?: boolean };
    }
    const loose: string[] = [];
    let routers = 0;
    const walk = (stack: Layer[], where: string) =>
      stack.forEach((layer, index) => {
        const handle = layer.handle;
        if (!Array.isArray(handle?.stack)) return;
        // A router (not a module's live stand-in, whose inner router is walked through its stack).
        if (handle.params !== undefined) {
          routers += 1;
          if (handle.caseSensitive !== true || handle.strict !== true) loose.push(`${where}[${index}]`);
        }
        walk(handle.stack, `${where}[${index}]`);
      });
    walk((hub.hub.app as unknown as { router: { stack: Layer[] } }).router.stack, 'app');
    expect(routers).toBeGreaterThan(10);
    expect(loose).toEqual([]);
  });

  it('serves the canonical spelling to the credential it is meant for', async () => {
    const read = { authorization: `Bearer ${READ_TOKEN}` };
    expect((await send(hub.url, 'GET', `/api/v1/events/${eventId}`, read)).status).toBe(200);
    expect((await send(hub.url, 'GET', '/api/v1/modules', read)).status).toBe(200);
    expect((await send(hub.url, 'GET', '/api/v1/modules', {})).status).toBe(401);
    expect((await send(hub.url, 'GET', '/API/v1/modules', {})).status).toBe(404);
    expect((await send(hub.url, 'GET', '/api/V1/deployments', {})).status).toBe(404);
    expect((await send(hub.url, 'GET', `/aPi/v1/events/${eventId}`, {})).status).toBe(404);
    expect((await send(hub.url, 'GET', '/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
    expect((await send(hub.url, 'GET', '/', { cookie: session })).status).toBe(200);
    expect((await send(hub.url, 'GET', '/api/v1/deliveries', { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(
      200,
    );
  });
});
