import { databaseModule } from '../../modules/database/index.js';
import { webhookModule } from '../../modules/webhook/index.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

const TOKEN = 'status-page-admin-token-0123';

/** A browser's cookie jar and form posts, over plain fetch (no redirects followed). */
class Browser {
  private readonly cookies = new Map<string, string>();
  lastSetCookies: string[] = [];
  constructor(private readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.remember(
      await fetch(this.base + path, { redirect: 'manual', headers: { cookie: this.cookieHeader(), ...headers } }),
    );
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.remember(
      await fetch(this.base + path, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
      }),
    );
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The CSRF token of the forms on a page. */
  async csrf(path = '/sign-in'): Promise<string> {
    const text = await (await this.get(path)).text();
    return /name="_csrf" value="([^"]+)"/.exec(text)![1]!;
  }

  async signIn(): Promise<void> {
    const answer = await this.post('/sign-in', { _csrf: await this.csrf(), token: TOKEN, next: '/' });
    expect(answer.status).toBe(303);
  }

  private remember(response: Response): Response {
    this.lastSetCookies = response.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const value = pair!.slice(at + 1);
      if (value === '') this.cookies.delete(pair!.slice(0, at));
      else this.cookies.set(pair!.slice(0, at), value);
    }
    return response;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

describe('the status page, read and acted on over HTTP', () => {
  let hub: TestHub;
  const receiver = new FakeSubscriber();

  beforeAll(async () => {
    await receiver.start();
    hub = await startTestHub({
      modules: [databaseModule, webhookModule],
      env: { ADMIN_TOKEN: TOKEN, WEBHOOK_URL: receiver.url, DELIVERY_MAX_ATTEMPTS_WEBHOOK: '1' },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await receiver.stop();
  });

  it('serves every view to anyone by default, read-only, with a strict CSP and no action forms', async () => {
    const browser = new Browser(hub.url);
    for (const path of ['/', '/events', '/deployments', '/schedules', '/sign-in']) {
      const answer = await browser.get(path);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await answer.text()).not.toContain('/actions/');
    }
    expect((await browser.get('/errors')).status).toBe(303);
  });

  it('escapes a hostile application name in the list, the event page and the history', async () => {
    const hostile = '<script>window.pwned=1</script><img src=x onerror=alert(1)>';
    const put = await fetch(`${hub.url}/api/v1/deployment`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(aspenDeployment({ applicationName: hostile, version: 'hostile-1' })),
    });
    const { id } = (await put.json()) as { id: string };
    const browser = new Browser(hub.url);
    await waitFor(async () => (await (await browser.get('/deployments')).text()).includes('hostile-1'));
    for (const path of ['/events', `/events/${id}`, '/deployments', '/']) {
      const text = await (await browser.get(path)).text();
      expect(text).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
      expect(text).not.toContain('<script>window.pwned');
      expect(text).not.toContain('<img src=x');
    }
  });

  it('signs in with the admin token only, into an HttpOnly SameSite=Strict cookie, and refuses a form without its CSRF token', async () => {
    const browser = new Browser(hub.url);
    const csrf = await browser.csrf();
    expect((await browser.post('/sign-in', { token: TOKEN, next: '/' })).status).toBe(403);
    expect(browser.cookie('alvares_session')).toBeUndefined();
    expect((await browser.post('/sign-in', { _csrf: csrf, token: 'wrong-token-wrong-token', next: '/' })).status).toBe(
      401,
    );
    expect(browser.cookie('alvares_session')).toBeUndefined();
    const answer = await browser.post('/sign-in', { _csrf: csrf, token: TOKEN, next: '/events' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/events');
    const session = browser.lastSetCookies.find((line) => line.startsWith('alvares_session='))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).not.toContain(TOKEN);
    const page = await (await browser.get('/')).text();
    expect(page).toContain('/actions/modules/database/disable');
    expect((await browser.get('/errors')).status).toBe(200);
  });

  it('acts only with the CSRF token, and not from another origin', async () => {
    const browser = new Browser(hub.url);
    await browser.signIn();
    const csrf = await browser.csrf('/');
    expect((await browser.post('/actions/modules/database/disable', { back: '/' })).status).toBe(403);
    expect((await browser.post('/actions/modules/database/disable', { _csrf: 'forged', back: '/' })).status).toBe(403);
    expect(
      (
        await browser.post(
          '/actions/modules/database/disable',
          { _csrf: csrf, back: '/' },
          { origin: 'https://evil.example' },
        )
      ).status,
    ).toBe(403);
    expect(hub.hub.registry.isEnabled('database')).toBe(true);

    // Turning a module off asks first: the same form comes back with confirm=yes.
    const asked = await browser.post('/actions/modules/database/disable', { _csrf: csrf, back: '/' });
    expect(asked.status).toBe(200);
    const question = await asked.text();
    expect(question).toContain('Turn off database on this replica?');
    expect(question).toContain('name="confirm" value="yes"');
    expect(hub.hub.registry.isEnabled('database')).toBe(true);

    const off = await browser.post('/actions/modules/database/disable', {
      _csrf: csrf,
      back: '//evil.example/',
      confirm: 'yes',
    });
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe('/');
    expect(hub.hub.registry.isEnabled('database')).toBe(false);
    expect(await (await browser.get('/')).text()).toContain('database is off');
    await browser.post('/actions/modules/database/enable', { _csrf: csrf, back: '/' });
    expect(hub.hub.registry.isEnabled('database')).toBe(true);
  });

  it('does not take a forged or altered session cookie', async () => {
    const browser = new Browser(hub.url);
    await browser.signIn();
    const [payload, signature] = browser.cookie('alvares_session')!.split('.');
    const longer = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 10 ** 8, n: 'x' })).toString(
      'base64url',
    );
    browser.set('alvares_session', `${longer}.${signature}`);
    expect(await (await browser.get('/')).text()).not.toContain('/actions/');
    browser.set('alvares_session', `${payload}.${signature}`);
    expect(await (await browser.get('/')).text()).toContain('/actions/');
  });

  it('replays a module’s dead deliveries and runs a schedule now from the page', async () => {
    receiver.answer(500, 1);
    const put = await fetch(`${hub.url}/api/v1/deployment`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(aspenDeployment({ version: 'dead-by-form' })),
    });
    const { id } = (await put.json()) as { id: string };
    const deadOf = async () =>
      (await hub.hub.db.query(`select status from deliveries where event_id = $1 and module = 'webhook'`, [id])).rows[0]
        ?.status;
    await waitFor(async () => (await deadOf()) === 'dead');
    const browser = new Browser(hub.url);
    await browser.signIn();
    const csrf = await browser.csrf('/');
    expect(await (await browser.get('/errors')).text()).toContain(`/events/${id}`);
    expect((await browser.post('/actions/modules/webhook/replay', { _csrf: csrf, back: '/' })).status).toBe(303);
    await waitFor(async () => (await deadOf()) === 'succeeded');

    expect((await browser.post('/actions/schedules/core.prune/run', { _csrf: csrf, back: '/schedules' })).status).toBe(
      303,
    );
    await waitFor(
      async () =>
        (await hub.hub.db.query(`select 1 from scheduled_runs where schedule = 'core.prune' and status = 'succeeded'`))
          .rowCount,
    );
    expect((await browser.post('/actions/schedules/no.such/run', { _csrf: csrf, back: '/' })).status).toBe(404);
  });

  it('answers a bad filter with 400 naming the field, and an unknown event with 404', async () => {
    const browser = new Browser(hub.url);
    const bad = await browser.get('/events?type=%3Cscript%3E');
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('type: unknown event type');
    expect(text).not.toContain('<script>');
    expect((await browser.get('/events/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await browser.get('/events/not-a-uuid')).status).toBe(404);
  });
});

describe('STATUS_PAGE_PUBLIC=false', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ modules: [databaseModule], env: { ADMIN_TOKEN: TOKEN, STATUS_PAGE_PUBLIC: 'false' } });
  });
  afterAll(() => hub.stop());

  it('sends readers to sign in, and refuses the stream without a session or the admin bearer token', async () => {
    const browser = new Browser(hub.url);
    const overview = await browser.get('/events?type=deployment');
    expect(overview.status).toBe(303);
    expect(overview.headers.get('location')).toBe('/sign-in?next=%2Fevents%3Ftype%3Ddeployment');
    expect((await browser.get('/api/v1/stream')).status).toBe(401);
    const bearer = await fetch(`${hub.url}/api/v1/stream`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    await bearer.body?.cancel();
    await browser.signIn();
    expect((await browser.get('/events')).status).toBe(200);
  });

  it('will not start without ADMIN_TOKEN (nobody could read the page)', async () => {
    await expect(startTestHub({ modules: [databaseModule], env: { STATUS_PAGE_PUBLIC: 'false' } })).rejects.toThrow(
      /STATUS_PAGE_PUBLIC=false needs ADMIN_TOKEN/,
    );
  });
});
