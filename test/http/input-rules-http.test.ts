import { startTestHub, type TestHub } from '../support/hub.js';

/**
 * The input rules as a client meets them: a time PostgreSQL can store is taken in every form the routes
 * document, one it cannot is a 400 naming the parameter; crafted cursors, prototype names and an Origin that
 * does not parse are refused as the client's fault. The property test (openapi-properties) covers the rest.
 */
const ADMIN_TOKEN = 'admin-token-for-input-rules';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

describe('input rules over HTTP', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ env: { ADMIN_TOKEN } });
    await fetch(`${hub.url}/api/v1/checks/nightly`, { method: 'PUT', headers: admin, body: '{}' });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const get = async (path: string, headers: Record<string, string> = admin) => {
    const res = await fetch(`${hub.url}${path}`, { headers, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  };

  it('takes storable times in every form and refuses the others by name', async () => {
    expect((await get('/events?before=1')).status).toBe(200);
    // The "older" link carries a stored time as written.
    expect((await get('/events?before=2026-12-07T10:00:00.123Z')).status).toBe(200);
    expect((await get('/api/v1/deployments?since=1')).status).toBe(200);
    expect((await get('/api/v1/errors?since=2026-01-01')).status).toBe(200);
    for (const [path, field] of [
      ['/api/v1/deployments?since=%2B275760-09-13T00:00:00.000Z', 'since'],
      ['/api/v1/deployments?since=8640000000000', 'since'],
      ['/api/v1/errors?since=275760-09-13', 'since'],
      ['/api/v1/insights?from=%2B275760-09-01T00:00:00Z&to=%2B275760-09-13T00:00:00Z', 'from'],
      ['/api/v1/insights?to=0001-01-02T00:00:00Z', 'to'],
    ] as const) {
      const answer = await get(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.text).toContain(`"field":"${field}"`);
    }
    expect((await get('/events?before=%2B275760-09-13T00:00:00.000Z')).status).toBe(400);
  });

  it('refuses crafted run and history cursors with 400', async () => {
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    for (const path of [
      `/api/v1/checks/nightly/runs?cursor=${cursor('2026-01-01 99:99:99|00000000-0000-4000-8000-000000000000')}`,
      `/api/v1/checks/nightly/runs?cursor=${cursor('99999-01-01 00:00:00|00000000-0000-4000-8000-000000000000')}`,
      `/api/v1/deployments?cursor=${cursor(JSON.stringify(['2026-13-45 00:00:00', '00000000-0000-4000-8000-000000000000']))}`,
    ]) {
      const answer = await get(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.text).toContain('"field":"cursor"');
    }
  });

  it('refuses NUL, unpaired surrogates and prototype names in check reports, parameters and config, naming the field', async () => {
    const send = async (method: string, path: string, body: string) => {
      const res = await fetch(`${hub.url}${path}`, { method, headers: admin, body });
      return { status: res.status, text: await res.text() };
    };
    const inspection = (
      (await (await fetch(`${hub.url}/api/v1/inspections`, { headers: admin })).json()) as {
        inspections: Array<{ id: string }>;
      }
    ).inspections[0]!.id;
    for (const [method, path, body, field] of [
      ['POST', '/api/v1/checks/nightly/results', '{"status":"ok","message":"a\\u0000b"}', 'message'],
      ['POST', '/api/v1/checks/nightly/results', '{"status":"ok","target":"a\\ud800"}', 'target'],
      ['POST', '/api/v1/checks/nightly/results', '{"status":"ok","dimensions":{"a":"\\u0000"}}', 'dimensions.a'],
      [
        'POST',
        '/api/v1/checks/nightly/results',
        '{"status":"ok","dimensions":{"__proto__":"x"}}',
        'dimensions.__proto__',
      ],
      ['PUT', '/api/v1/checks/nightly', '{"description":"\\u0000"}', 'description'],
      ['PUT', `/api/v1/inspections/${inspection}/parameters`, '{"constructor":1}', 'constructor'],
      ['PUT', `/api/v1/inspections/${inspection}/parameters`, '{"toString":1}', 'toString'],
      ['PUT', '/api/v1/admin/modules/webhook/config', '{"__proto__":"x"}', '__proto__'],
      ['PUT', '/api/v1/admin/modules/webhook/config', '{"WEBHOOK_URL":"https://a.example/\\u0000"}', 'WEBHOOK_URL'],
    ] as const) {
      const answer = await send(method, path, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.text).toContain(`"field":"${field}"`);
    }
    const removed = await fetch(`${hub.url}/api/v1/inspections/${inspection}/parameters/toString`, {
      method: 'DELETE',
      headers: admin,
    });
    expect(removed.status).toBe(404);
  });

  it('answers 403 to a sign-in or an action whose Origin does not parse, signed in or not', async () => {
    const form = await fetch(`${hub.url}/sign-in`);
    const cookies = form.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const post = (path: string, origin: string, cookie: string, fields: Record<string, string>) =>
      fetch(`${hub.url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      });
    const signedIn = await post('/sign-in', hub.url, cookies.join('; '), { token: ADMIN_TOKEN });
    expect(signedIn.status).toBe(303);
    const session = [...cookies, ...signedIn.headers.getSetCookie().map((c) => c.split(';')[0]!)].join('; ');
    for (const origin of ['foo', 'http://[::1', 'http://[::1]:99999']) {
      expect((await post('/sign-in', origin, cookies.join('; '), { token: ADMIN_TOKEN })).status).toBe(403);
      expect((await post('/actions/modules/webhook/enable', origin, session, {})).status).toBe(403);
    }
  });
});
