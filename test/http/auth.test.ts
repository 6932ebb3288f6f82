import { createHmac } from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';
import request from 'supertest';
import { Hub } from '../../src/hub.js';
import { MODULES } from '../../modules/index.js';
import { aspenDeployment, aspenError } from '../support/aspen.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';

const ASPEN_TOKEN = 'aspen-token-0123456789abcdef';
const JENKINS_TOKEN = 'jenkins-token-0123456789abcdef';
const HMAC_SECRET = 'hmac-secret-0123456789abcdef';
const READ_TOKEN = 'read-token-0123456789abcdef';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

/** `t=<unix seconds>,v2=<hex HMAC-SHA256 of "t.idempotency-key.body">`, as docs/reference/security.md tells senders. */
function sign(
  body: string | Buffer,
  timestamp = Math.floor(Date.now() / 1000),
  secret = HMAC_SECRET,
  idempotencyKey = '',
): string {
  const hex = createHmac('sha256', secret).update(`${timestamp}.${idempotencyKey}.`).update(body).digest('hex');
  return `t=${timestamp},v2=${hex}`;
}

/** A raw request: supertest would serialise a Buffer body as JSON when the content type says JSON. */
function put(
  url: string,
  body: Buffer | null,
  headers: Record<string, string>,
): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/v1/deployment`,
      { method: 'PUT', agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

let version = 0;
const deployment = () => JSON.stringify(aspenDeployment({ version: `auth-${(version += 1)}` }));

describe('ingest authentication: INGEST_TOKENS and INGEST_HMAC_SECRET', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({
      env: { INGEST_TOKENS: `aspen:${ASPEN_TOKEN}, jenkins:${JENKINS_TOKEN}`, INGEST_HMAC_SECRET: HMAC_SECRET },
    });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it.each(['/api/v1/deployment', '/api/v1/error', '/api/v1/recommendation', '/api/v1/deployment/enrich'])(
    'answers 401 JSON on %s without credentials, before reading the body',
    async (path) => {
      const res = await request(hub.url).post(path).set('content-type', 'text/plain').send('not even JSON').expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body.error).toEqual({
        code: 'HUB_ERR_UNAUTHORIZED',
        message: 'ingest routes need a bearer token of INGEST_TOKENS or an X-Alvares-Signature header',
        requestId: res.headers['x-request-id'],
      });
    },
  );

  it('answers 401 for a token that is not one of INGEST_TOKENS, and never echoes it', async () => {
    for (const token of ['wrong-token-0123456789abcdef', ASPEN_TOKEN.slice(0, -1), `${ASPEN_TOKEN}x`, READ_TOKEN, '']) {
      const res = await request(hub.url)
        .put('/api/v1/deployment')
        .set('Authorization', `Bearer ${token}`)
        .set('content-type', 'application/json')
        .send(deployment());
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('HUB_ERR_UNAUTHORIZED');
      if (token) expect(JSON.stringify(res.body)).not.toContain(token);
    }
  });

  it('accepts each sender by its token and records its name on the event', async () => {
    for (const [token, name] of [
      [ASPEN_TOKEN, 'aspen'],
      [JENKINS_TOKEN, 'jenkins'],
    ] as const) {
      const res = await request(hub.url)
        .put('/api/v1/deployment')
        .set('Authorization', `Bearer ${token}`)
        .set('content-type', 'application/json')
        .send(deployment())
        .expect(200);
      expect(res.body.sender).toBe(name);
      const event = await request(hub.url).get(`/api/v1/events/${res.body.id}`).expect(200);
      expect(event.body.sender).toBe(name);
    }
    const error = await request(hub.url)
      .put('/api/v1/error')
      .set('Authorization', `bearer ${ASPEN_TOKEN}`)
      .send(aspenError())
      .expect(200);
    expect(error.body.sender).toBe('aspen');
    await request(hub.url)
      .post('/api/v1/deployment/enrich')
      .set('Authorization', `Bearer ${ASPEN_TOKEN}`)
      .send(aspenDeployment())
      .expect(200);
  });

  it('accepts a body signed with INGEST_HMAC_SECRET as sender hmac, also gzipped (signed as inflated)', async () => {
    const body = deployment();
    const res = await request(hub.url)
      .put('/api/v1/deployment')
      .set('X-Alvares-Signature', sign(body))
      .set('content-type', 'application/json')
      .send(body)
      .expect(200);
    expect(res.body.sender).toBe('hmac');
    expect((await request(hub.url).get(`/api/v1/events/${res.body.id}`)).body.sender).toBe('hmac');

    const other = deployment();
    const gzipped = await put(hub.url, zlib.gzipSync(other), {
      'X-Alvares-Signature': sign(other),
      'content-encoding': 'gzip',
    });
    expect(gzipped).toMatchObject({ status: 200, body: { sender: 'hmac' } });
    // A second v2 lets a sender roll its secret: one matching signature is enough.
    const rolled = deployment();
    const both = `${sign(rolled, undefined, 'old-secret-0123456789abcdef')},v2=${sign(rolled).split('v2=')[1]}`;
    await request(hub.url)
      .put('/api/v1/deployment')
      .set('X-Alvares-Signature', both)
      .set('content-type', 'application/json')
      .send(rolled)
      .expect(200);
  });

  it('answers 401 for a wrong signature, a changed body, a malformed header and a timestamp more than 5 minutes off', async () => {
    const body = deployment();
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string, RegExp]> = [
      [sign(body, now, 'another-secret-0123456789abcdef'), body, /does not match/],
      [sign(body), body.replace('auth-', 'auth-changed-'), /does not match/],
      [sign(body, now - 301), body, /more than 300 s/],
      [sign(body, now + 315), body, /more than 300 s/],
      ['t=abc,v2=00', body, /must be t=<unix seconds>/],
      [`v2=${'0'.repeat(64)}`, body, /must be t=<unix seconds>/],
    ];
    for (const [header, sent, message] of cases) {
      const res = await request(hub.url)
        .put('/api/v1/deployment')
        .set('X-Alvares-Signature', header)
        .set('content-type', 'application/json')
        .send(sent);
      expect({ header, status: res.status }).toEqual({ header, status: 401 });
      expect(res.body.error.message).toMatch(message);
    }
    // Inside the 5 minutes either way: accepted.
    const early = deployment();
    await request(hub.url)
      .put('/api/v1/deployment')
      .set('X-Alvares-Signature', sign(early, now - 290))
      .set('content-type', 'application/json')
      .send(early)
      .expect(200);
    const late = deployment();
    await request(hub.url)
      .put('/api/v1/deployment')
      .set('X-Alvares-Signature', sign(late, now + 290))
      .set('content-type', 'application/json')
      .send(late)
      .expect(200);
  });

  it('answers 401 for a signed request whose body is empty or missing, and 400 for a signed empty body', async () => {
    for (const headers of [{}, { 'content-length': '0' }] as Array<Record<string, string>>) {
      const res = await put(hub.url, null, { 'X-Alvares-Signature': sign('{}'), ...headers });
      expect(res.status).toBe(401);
    }
    // The signature proves the sender; the (empty) body is then judged as any other.
    const signedEmpty = await put(hub.url, Buffer.alloc(0), { 'X-Alvares-Signature': sign(''), 'content-length': '0' });
    expect(signedEmpty.status).toBe(400);
  });
});

describe('INGEST_RATE_PER_MINUTE', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({
      env: { INGEST_TOKENS: `aspen:${ASPEN_TOKEN},jenkins:${JENKINS_TOKEN}`, INGEST_RATE_PER_MINUTE: '3' },
    });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('answers 429 with Retry-After past the rate of one sender, and keeps serving the others', async () => {
    const send = (token: string) =>
      request(hub.url)
        .put('/api/v1/deployment')
        .set('Authorization', `Bearer ${token}`)
        .set('content-type', 'application/json')
        .send(deployment());
    for (let i = 0; i < 3; i += 1) await send(ASPEN_TOKEN).expect(200);
    const limited = await send(ASPEN_TOKEN).expect(429);
    expect(limited.body.error.code).toBe('HUB_ERR_RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    // 3 a minute refill one every 20 s.
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    await send(JENKINS_TOKEN).expect(200);
    // Refused credentials do not use up anyone's budget.
    await request(hub.url)
      .put('/api/v1/deployment')
      .set('Authorization', 'Bearer nobody-0123456789abcdef')
      .send(aspenDeployment())
      .expect(401);
    await send(JENKINS_TOKEN).expect(200);
  });
});

describe('READ_TOKEN', () => {
  let hub: TestHub;
  let eventId: string;

  beforeAll(async () => {
    hub = await startTestHub({ env: { READ_TOKEN, ADMIN_TOKEN } });
    eventId = (await request(hub.url).put('/api/v1/deployment').send(aspenDeployment()).expect(200)).body.id;
  });
  afterAll(async () => {
    await hub.stop();
  });

  const readRoutes = () => [
    `/api/v1/events/${eventId}`,
    '/api/v1/deployments',
    '/api/v1/deployments/latest?cluster=active',
    '/api/v1/schedules',
    '/api/v1/modules',
    '/api/v1/lighthouse/reports/kth-azure-app',
  ];

  it('keeps ingest open (no INGEST_TOKENS) while the read routes need a bearer token', async () => {
    for (const path of readRoutes()) {
      const res = await request(hub.url).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.body.error.message).toBe('read routes need the READ_TOKEN (or the admin token) as a bearer token');
      const wrong = await request(hub.url).get(path).set('Authorization', `Bearer ${READ_TOKEN}x`);
      expect({ path, status: wrong.status }).toEqual({ path, status: 401 });
    }
  });

  it('answers the read routes with the read token or the admin token', async () => {
    for (const path of readRoutes()) {
      for (const token of [READ_TOKEN, ADMIN_TOKEN]) {
        const res = await request(hub.url).get(path).set('Authorization', `Bearer ${token}`);
        expect({ path, status: res.status < 500 && res.status !== 401 }).toEqual({ path, status: true });
      }
    }
    const event = await request(hub.url)
      .get(`/api/v1/events/${eventId}`)
      .set('Authorization', `Bearer ${READ_TOKEN}`)
      .expect(200);
    expect(event.body.sender).toBeNull();
  });

  it('leaves health, readiness and the schemas open, and admin routes to the admin token', async () => {
    await request(hub.url).get('/health').expect(200);
    await request(hub.url).get('/ready').expect(200);
    await request(hub.url).get('/api/v1/schemas/deployment').expect(200);
    await request(hub.url).get('/api/v1/deliveries').set('Authorization', `Bearer ${READ_TOKEN}`).expect(401);
    await request(hub.url).get('/api/v1/deliveries').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    await request(hub.url)
      .post('/api/v1/modules/webhook/disable')
      .set('Authorization', `Bearer ${READ_TOKEN}`)
      .expect(401);
  });
});

describe('security configuration', () => {
  it('lists every bad value at once without printing a token', () => {
    const build = () =>
      new Hub({
        env: {
          DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
          INGEST_TOKENS: 'aspen:short-secret-x,noname,ok:abcdefghijklmnop1,ok:abcdefghijklmnop2',
          INGEST_HMAC_SECRET: 'tiny',
          READ_TOKEN: 'small',
          INGEST_RATE_PER_MINUTE: 'lots',
          OUTBOUND_ALLOWED_HOSTS: 'fine.example.com,http://[zz]/,10.0.0.0/33',
        },
        modules: MODULES,
      });
    expect(build).toThrow(/INGEST_TOKENS: the token of "aspen" must be at least 16 characters/);
    let message = '';
    try {
      build();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('INGEST_TOKENS: an entry is not "name:token"');
    expect(message).toContain('INGEST_TOKENS: "ok" is listed twice');
    expect(message).toContain('INGEST_HMAC_SECRET: must be at least 16 characters');
    expect(message).toContain('READ_TOKEN: must be at least 16 characters');
    expect(message).toContain('INGEST_RATE_PER_MINUTE: expected a whole number');
    expect(message).toContain('OUTBOUND_ALLOWED_HOSTS: "http://[zz]/" is not');
    expect(message).toContain('OUTBOUND_ALLOWED_HOSTS: "10.0.0.0/33" is not');
    expect(message).not.toContain('short-secret-x');
    expect(message).not.toContain('abcdefghijklmnop');
  });
});
