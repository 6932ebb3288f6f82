import http from 'node:http';
import request from 'supertest';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/** A deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const HOSTILE_VALUES: unknown[] = [
  null, true, 0, -1, 1e308, 'NaN', '', ' ', '\u0000', '\ud800', '<!channel>', '<https://evil|click>', '${7*7}',
  '../../etc/passwd', "'; drop table events; --", 'x'.repeat(5000), [], {}, [1, [2, [3]]], { $gt: '' },
  { __proto__: { polluted: true } }, '1763800000.123456', '9'.repeat(400), -0.5, 'true',
];

function mutate(random: () => number): { body: string; contentType: string } {
  const base = aspenDeployment() as Record<string, unknown>;
  const keys = Object.keys(base);
  const kind = Math.floor(random() * 8);
  const pick = () => HOSTILE_VALUES[Math.floor(random() * HOSTILE_VALUES.length)];
  switch (kind) {
    case 0: {
      for (let i = 0; i < 3; i += 1) base[keys[Math.floor(random() * keys.length)]!] = pick();
      return { body: JSON.stringify(base), contentType: 'application/json' };
    }
    case 1:
      return { body: JSON.stringify(base).slice(0, Math.floor(random() * 200)), contentType: 'application/json' };
    case 2:
      return { body: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"applicationName":"p"}', contentType: 'application/json' };
    case 3:
      return { body: `${'{"a":'.repeat(100 + Math.floor(random() * 5000))}1`, contentType: 'application/json' };
    case 4:
      return { body: JSON.stringify(base), contentType: ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', ''][Math.floor(random() * 4)]! };
    case 5:
      return { body: Buffer.from(Array.from({ length: 200 }, () => Math.floor(random() * 256))).toString('latin1'), contentType: 'application/json' };
    case 6:
      return { body: JSON.stringify(pick()), contentType: 'application/json; charset=utf-8' };
    default:
      return { body: JSON.stringify({ ...base, extra: Array.from({ length: 2000 }, (_, i) => ({ i })) }), contentType: 'application/json' };
  }
}

function send(url: string, method: string, path: string, body: string, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // A connection per request: a refused body (413, 415) ends its connection, which a shared keep-alive
    // agent could otherwise hand to the next request and report as a hang-up that is the client's own.
    const req = http.request(`${url}${path}`, { method, agent: false, headers: contentType ? { 'content-type': contentType } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error) => reject(new Error(`${method} ${path} (${contentType}) ${body.slice(0, 80)}: ${error.message}`)));
    req.end(body, 'latin1');
  });
}

describe('hostile and malformed requests', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('1,500 of them produce no 5xx and the hub keeps serving', async () => {
    const random = rng(20261122);
    const paths = ['/api/v1/deployment', '/api/v1/error', '/api/v1/recommendation', '/api/v1/deployment/enrich', '/api/v1/deployments?limit=-5&cursor=%00', '/api/v1/events/%2e%2e%2f'];
    const methods = ['PUT', 'POST', 'PATCH', 'GET', 'DELETE'];
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 75; batch += 1) {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => {
          const { body, contentType } = mutate(random);
          const path = paths[Math.floor(random() * paths.length)]!;
          const method = methods[Math.floor(random() * methods.length)]!;
          return send(hub.url, method, path, method === 'GET' ? '' : body, contentType);
        }),
      );
      for (const status of results) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const serverErrors = [...statuses].filter(([status]) => status >= 500);
    expect(total).toBe(1500);
    expect(serverErrors).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();

    await request(hub.url).get('/health').expect(200);
    await request(hub.url).put('/api/v1/deployment').send(aspenDeployment()).expect(200);
  }, 120_000);
});
