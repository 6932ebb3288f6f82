import { databaseModule } from '../../modules/database/index.js';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const ADMIN = 'badges-admin-token-0123456789';
const READ = 'badges-read-token-0123456789';

async function deploy(hub: TestHub): Promise<void> {
  const answer = await fetch(`${hub.url}/api/v1/deployment`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify(aspenDeployment({ applicationName: 'badge-app', version: '4.2.0', cluster: 'active' })),
  });
  expect(answer.status).toBe(200);
}

describe('badges on a public status page', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ modules: [databaseModule], env: { ADMIN_TOKEN: ADMIN, READ_TOKEN: READ } });
    await deploy(hub);
  });
  afterAll(() => hub.stop());

  it('answers an application badge with its version, cached publicly for a minute, without credentials', async () => {
    const answer = await fetch(`${hub.url}/badge/app/badge-app.svg`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('public, max-age=60');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const svg = await answer.text();
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<title>badge-app: 4.2.0</title>');
  });

  it('answers an unknown application, cluster or check with an "unknown" badge and 404', async () => {
    for (const path of ['/badge/app/nope.svg', '/badge/app/badge-app.svg?cluster=stage', '/badge/check/nope.svg']) {
      const answer = await fetch(hub.url + path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(await answer.text()).toContain(': unknown</title>');
    }
  });

  it('shows the state of a check, and escapes a hostile name in the SVG', async () => {
    const check = await (await fetch(`${hub.url}/badge/check/core.deliveries.svg`)).text();
    expect(check).toMatch(/<title>core\.deliveries: (ok|unknown)<\/title>/);
    const hostile = await (await fetch(`${hub.url}/badge/app/${encodeURIComponent('<script>x</script>')}.svg`)).text();
    expect(hostile).not.toContain('<script>');
    expect(hostile).toContain('&lt;script&gt;');
  });

  it('refuses a bad parameter with a 400 naming it', async () => {
    const answer = await fetch(`${hub.url}/badge/app/badge-app.svg?cluster=${'x'.repeat(300)}`);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { fields: Array<{ field: string }> } }).error.fields[0]!.field).toBe(
      'cluster',
    );
  });
});

describe('badges when the status page is not public', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({
      modules: [databaseModule],
      env: { ADMIN_TOKEN: ADMIN, READ_TOKEN: READ, STATUS_PAGE_PUBLIC: 'false' },
    });
    await deploy(hub);
  });
  afterAll(() => hub.stop());

  it('needs the read or admin token (or a session), and is cached privately', async () => {
    const anonymous = await fetch(`${hub.url}/badge/app/badge-app.svg`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('HUB_ERR_UNAUTHORIZED');
    expect((await fetch(`${hub.url}/badge/check/nope.svg`)).status).toBe(401);
    for (const token of [READ, ADMIN]) {
      const answer = await fetch(`${hub.url}/badge/app/badge-app.svg`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('private, max-age=60');
    }
    // The read token opens the page too, as it opens the read API.
    expect(
      (await fetch(`${hub.url}/`, { headers: { authorization: `Bearer ${READ}` }, redirect: 'manual' })).status,
    ).toBe(200);
    expect((await fetch(`${hub.url}/`, { redirect: 'manual' })).status).toBe(303);
  });
});
