import http from 'node:http';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

const ADMIN_TOKEN = 'admin-token-throttle-0123456789';
const READ_TOKEN = 'read-token-throttle-0123456789';
const INGEST_TOKEN = 'ingest-token-throttle-0123456789';
const LIMIT = 5;

interface Answer {
  status: number;
  body: string;
  retryAfter?: string;
  cookies: string[];
}

/** A request from a client address of the test's choosing (any 127.x.y.z reaches the hub on loopback). */
function send(
  hub: TestHub,
  from: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  const url = new URL(hub.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, localAddress: from, agent: false, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}),
            cookies: (res.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]!),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const wrongRead = (hub: TestHub, from: string) =>
  send(hub, from, 'GET', '/api/v1/modules', { authorization: 'Bearer not-the-read-token-0123456789' });
const wrongIngest = (hub: TestHub, from: string) =>
  send(
    hub,
    from,
    'PUT',
    '/api/v1/deployment',
    { authorization: 'Bearer not-an-ingest-token-0123456789', 'content-type': 'application/json' },
    JSON.stringify(aspenDeployment()),
  );
const wrongAdmin = (hub: TestHub, from: string) =>
  send(hub, from, 'GET', '/api/v1/deliveries', { authorization: 'Bearer not-the-admin-token-0123456789' });
const goodRead = (hub: TestHub, from: string) =>
  send(hub, from, 'GET', '/api/v1/modules', { authorization: `Bearer ${READ_TOKEN}` });

/**
 * Failed authentication is throttled per client address, across replicas (the count is in PostgreSQL): after
 * AUTH_FAILURES_PER_MINUTE failures a credentialed request from that address gets 429 with Retry-After until
 * the minute is over. Other addresses, and clients whose credentials are right, are not slowed.
 */
describe('AUTH_FAILURES_PER_MINUTE', () => {
  let first: TestHub;
  let second: TestHub;

  beforeAll(async () => {
    const env = {
      ADMIN_TOKEN,
      READ_TOKEN,
      INGEST_TOKENS: `aspen:${INGEST_TOKEN}`,
      AUTH_FAILURES_PER_MINUTE: String(LIMIT),
      DISABLED_SUBSCRIBERS: 'slack,detectify,lighthouse,uptimerobot',
    };
    first = await startTestHub({ env });
    second = await startTestHub({ env, databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('answers 401 to the first failures of an address, then 429 with Retry-After on every replica, even to a right token', async () => {
    const guesser = '127.0.0.2';
    const answers = [];
    for (const wrong of [wrongRead, wrongIngest, wrongAdmin, wrongRead, wrongIngest])
      answers.push(await wrong(first, guesser));
    expect(answers.map((answer) => answer.status)).toEqual(Array(LIMIT).fill(401));

    const refused = await waitFor(
      async () => {
        const answer = await wrongRead(first, guesser);
        return answer.status === 429 ? answer : null;
      },
      5_000,
      'a 429 on the replica that counted',
    );
    expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe('HUB_ERR_RATE_LIMITED');
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    // Refused before its credential is looked at: a right guess would be told nothing.
    expect((await goodRead(first, guesser)).status).toBe(429);
    // The other replica refuses it too, within a second or so, without having seen a failure itself.
    const elsewhere = await waitFor(
      async () => {
        const answer = await goodRead(second, guesser);
        return answer.status === 429 ? answer : null;
      },
      5_000,
      'a 429 on the other replica',
    );
    expect(Number(elsewhere.retryAfter)).toBeGreaterThanOrEqual(1);
    // Requests without credentials are not guesses: the open routes stay open to the address.
    expect((await send(second, guesser, 'GET', '/health')).status).toBe(200);
  });

  it('counts failed sign-ins on the status page the same way', async () => {
    const signer = '127.0.0.3';
    const page = await send(first, signer, 'GET', '/sign-in');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = page.cookies.join('; ');
    const attempt = (password: string) =>
      send(
        first,
        signer,
        'POST',
        '/sign-in',
        { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        new URLSearchParams({ _csrf: token, token: password, next: '/' }).toString(),
      );
    for (let i = 0; i < LIMIT; i += 1) expect((await attempt(`wrong-password-${i}-0123456789`)).status).toBe(401);
    await waitFor(async () => (await attempt('wrong-password-again-0123456789')).status === 429, 5_000, 'a 429');
    expect((await attempt(ADMIN_TOKEN)).status).toBe(429);
  });

  it('never slows a client whose credentials are right, nor counts it', async () => {
    const good = '127.0.0.4';
    const started = Date.now();
    const statuses = [];
    for (let i = 0; i < 3 * LIMIT * 4; i += 1) statuses.push((await goodRead(first, good)).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
    const ingest = await send(
      second,
      good,
      'PUT',
      '/api/v1/deployment',
      { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      JSON.stringify(aspenDeployment()),
    );
    expect(ingest.status).toBe(200);
    const counted = await first.hub.db.query(`select 1 from auth_failures where address like '%127.0.0.4'`);
    expect(counted.rowCount).toBe(0);
  });
});
