import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, testShotsDir, watchedPage } from '../support/browser.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';
import { CHECK, put, SCENE_ADMIN_TOKEN, startScene, TARGETS, type Scene } from '../support/operator-scene.js';
import { aspenDeployment } from '../support/aspen.js';

/**
 * The operator's window in Chromium, against a hub in a realistic state (test/support/operator-scene.ts): is
 * anything broken, what, since when, and what changed. One scene for the file; tests that change it (a
 * replay, a flood) come after those that read it.
 */
describe("the operator's window in Chromium", () => {
  let browser: Browser;
  let scene: Scene;
  let admin: BrowserContext;
  let shots: string;
  const problems: string[] = [];

  const open = async (path: string, context: Browser | BrowserContext = browser): Promise<Page> => {
    const page = await watchedPage(context, problems);
    await page.setViewportSize({ width: 1400, height: 900 });
    const answer = await page.goto(scene.hub.url + path);
    expect(answer?.status()).toBe(200);
    return page;
  };
  const live = (page: Page) => page.waitForSelector('#live-state[data-state="live"]', { timeout: 5_000 });

  beforeAll(async () => {
    shots = await testShotsDir();
    browser = await launchChromium();
    scene = await startScene({ env: { WORKER_CONCURRENCY: '2' } });
    admin = await browser.newContext();
    const page = await admin.newPage();
    await page.goto(`${scene.hub.url}/sign-in`);
    await page.fill('input[name="token"]', SCENE_ADMIN_TOKEN);
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('text=Sign out');
    await page.close();
  }, 120_000);
  beforeEach(() => {
    problems.length = 0;
  });
  afterEach(() => {
    expect(problems).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await scene?.stop();
  });

  it('lists what is broken at the top, each with since when and a link, and counts it in the title and icon', async () => {
    const page = await open('/');
    await live(page);
    const items = page.locator('ul.problems li');
    expect(await items.count()).toBe(2);
    // Worst first: the critical target, then the dead deliveries.
    const critical = items.nth(0);
    expect(await critical.getAttribute('data-problem')).toBe('alert');
    expect(await critical.locator('.badge').textContent()).toContain('critical');
    expect(await critical.locator('a').getAttribute('href')).toBe(`/checks/${CHECK}`);
    expect(await critical.textContent()).toContain('portal');
    const dead = items.nth(1);
    expect(await dead.textContent()).toMatch(/webhook\s+3 dead deliveries/);
    expect(await dead.locator('a').getAttribute('href')).toBe('/errors?module=webhook');
    expect(await dead.locator('time').count()).toBe(1);
    expect(await page.title()).toBe('(2) Overview · Alvares');
    const icon = decodeURIComponent((await page.locator('link[rel="icon"]').getAttribute('href'))!);
    expect(icon).toMatch(/^data:image\/svg\+xml,<svg/);
    expect(icon).toContain('>2</text>');
    expect(icon).toContain('#9b1c1c');
    await page.screenshot({ path: path.join(shots, 'overview.png') });
    await page.close();
  });

  it('says "all good" quietly on a hub with nothing broken, with no count in the title', async () => {
    const quiet: TestHub = await startTestHub({ modules: [] });
    try {
      const page = await watchedPage(browser, problems);
      await page.goto(`${quiet.url}/`);
      expect(await page.locator('.all-good').textContent()).toContain('Nothing is broken');
      expect(await page.locator('ul.problems').count()).toBe(0);
      expect(await page.title()).toBe('Overview · Alvares');
      expect(decodeURIComponent((await page.locator('link[rel="icon"]').getAttribute('href'))!)).not.toContain('<text');
      await page.close();
    } finally {
      await quiet.stop();
    }
  });

  it('gives each severity its own colour, icon and word, in light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open('/');
      await page.emulateMedia({ colorScheme: scheme });
      // Inside the page: the DOM's types are not this project's (no DOM lib), so the little used is named here.
      const styles = await page.evaluate(() => {
        type Element = { className: string };
        const window = globalThis as unknown as {
          document: { createElement(tag: string): Element; body: { append(element: Element): void } };
          getComputedStyle(element: Element): { color: string; backgroundColor: string };
        };
        const out: Record<string, string> = {};
        for (const severity of ['ok', 'info', 'warning', 'error', 'critical', 'unknown', 'timed_out', 'muted']) {
          const span = window.document.createElement('span');
          span.className = `badge sev-${severity}`;
          window.document.body.append(span);
          const style = window.getComputedStyle(span);
          out[severity] = `${style.color} on ${style.backgroundColor}`;
        }
        return out;
      });
      expect(new Set(Object.values(styles)).size).toBe(8);
      await page.close();
    }
    // On the page: the check's critical state is a filled badge with its icon and word, not a grey chip.
    const page = await open('/');
    const state = page.locator(`tr[data-check="${CHECK}"] .badge`).first();
    expect(await state.getAttribute('class')).toContain('sev-critical');
    expect((await state.textContent())!.replace(/\s+/g, ' ').trim()).toBe('‼ critical');
    expect(await state.locator('.icon').getAttribute('aria-hidden')).toBe('true');
    await page.close();
  });

  it('shows check outcomes under the event they follow, with the outcome they report, not as rows of their own', async () => {
    const page = await open('/');
    expect(await page.locator('#live tr[data-type="check.finished"]').count()).toBe(0);
    const row = page.locator(`#live tr[data-event="${scene.deadEvents[0]}"]`);
    const follow = row.locator('ul.follow-ups li');
    expect(await follow.count()).toBe(1);
    expect(await follow.locator('a').textContent()).toBe('webhook');
    expect(await follow.locator('.badge').textContent()).toContain('dead');
    await page.close();

    // A filter asks for them as rows: each carries the outcome it reports (dead), not Slack's "succeeded".
    const all = await open('/events?derived=1&type=check.finished');
    const rows = all.locator('#live tr[data-type="check.finished"]');
    expect(await rows.count()).toBe(3);
    expect(await rows.first().locator('td.summary .badge').first().textContent()).toContain('dead');
    await all.close();
  });

  it("keeps follow-ups out of the live list unless asked for 'every change'", async () => {
    const page = await open('/');
    await live(page);
    scene.receiver.answer(500, 1);
    await put(scene.hub.url, 'deployment', aspenDeployment({ applicationName: 'live-noise', version: 'n-1' }));
    await page.waitForSelector('#activity li[data-news="1"]:has-text("deployment live-noise")');
    const followUp = page.locator('#activity li[data-kind="event.accepted"]', { hasText: 'follow-up check.finished' });
    await followUp.first().waitFor({ state: 'attached', timeout: 5_000 });
    expect(await followUp.first().isVisible()).toBe(false);
    await page.check('#activity-all');
    expect(await followUp.first().isVisible()).toBe(true);
    await page.close();
  });

  it('shows each target of a check with its state, since when, recent results and a flapping mark, failing first', async () => {
    const page = await open(`/checks/${CHECK}`);
    const rows = page.locator('tr[data-key]');
    expect(await rows.count()).toBe(TARGETS.length);
    expect(await rows.first().locator('td').first().textContent()).toContain('portal');
    expect(await rows.first().locator('.badge').first().textContent()).toContain('critical');
    expect(await rows.first().textContent()).toContain('in alert');
    const search = page.locator('tr[data-key*="target=search"]');
    expect(await search.locator('[data-flapping]').textContent()).toContain('flapping: 5 changes');
    expect(await search.locator('.strip span').count()).toBe(6);
    expect(await search.locator('.strip').getAttribute('aria-label')).toBe(
      'last 6 results, oldest first: ok, error, ok, error, ok, error',
    );
    expect(await search.locator('time').count()).toBeGreaterThan(0);
    expect(await page.locator('#targets-title').textContent()).toContain('3 failing, 1 flapping');
    await page.screenshot({ path: path.join(shots, 'check.png') });
    await page.click('a:has-text("by target")');
    await page.waitForURL(/sort=target/);
    expect(await page.locator('tr[data-key]').first().locator('td').first().textContent()).toContain('api');
    const bad = await page.goto(`${scene.hub.url}/checks/${CHECK}?sort=sideways`);
    expect(bad?.status()).toBe(400);
    expect(await page.locator('p.error').textContent()).toContain('sort');
    problems.length = 0;
    await page.close();
  });

  it('renders Markdown and Slack formatting as formatting, never runs HTML from a payload, and keeps stack traces', async () => {
    const page = await open(`/checks/${CHECK}`);
    const portal = page.locator('tr[data-key*="target=portal"]');
    await portal.locator('details summary').first().click();
    const message = portal.locator('.md').first();
    expect(await message.locator('strong').first().textContent()).toBe('Broken service');
    expect(await message.locator('code').first().textContent()).toBe('portal');
    expect(await message.locator('li').count()).toBe(2);
    expect(await message.locator('script, img, [onerror]').count()).toBe(0);
    expect(await message.locator('a:has-text("details")').getAttribute('href')).toBeNull();
    const runbook = message.locator('a:has-text("runbook")');
    expect(await runbook.getAttribute('href')).toBe('https://runbooks.example.test/portal');
    expect(await runbook.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    expect(await page.locator('script:not([src])').count()).toBe(0);
    await page.close();

    const event = await open(`/events/${scene.errorEvent}`);
    const said = event.locator('p.message');
    expect(await said.locator('strong').textContent()).toBe('Deployment failed');
    expect(await said.locator('em').textContent()).toBe('active');
    expect(await said.locator('code').textContent()).toBe('kth-azure-app:2.0.12');
    const trace = await event.locator('pre.trace').innerText();
    expect(trace.split('\n')).toHaveLength(6);
    expect(trace.split('\n')[5]).toBe('ImageNotFound: kth-azure-app:2.0.12');
    await event.screenshot({ path: path.join(shots, 'error-event.png'), fullPage: true });
    await event.close();
  });

  it('tells facts as they are: interval schedules, a run’s own result, and a summary that agrees with its state', async () => {
    const page = await open('/schedules');
    expect(await page.locator('tr[data-schedule="core.deliveries"] td.when').textContent()).toBe('every 10 min');
    expect(await page.locator('tr[data-schedule="core.prune"] td.when').textContent()).toBe('cron 17 * * * * (UTC)');
    // One run that warns about the dead webhook deliveries: it ended normally, and its colour is its result's.
    const admin = { authorization: `Bearer ${SCENE_ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const parameters = `${scene.hub.url}/api/v1/inspections/core.deliveries/parameters`;
    expect((await fetch(parameters, { method: 'PUT', headers: admin, body: '{"deadWarning":1}' })).status).toBe(200);
    expect(
      (await fetch(`${scene.hub.url}/api/v1/schedules/core.deliveries/run`, { method: 'POST', headers: admin })).status,
    ).toBe(202);
    const latest = page.locator('tr[data-schedule="core.deliveries"] ol.runs li').first().locator('.badge').first();
    await waitFor(
      async () => {
        await page.reload();
        return (await latest.count()) > 0 && (await latest.textContent())!.includes('ended');
      },
      15_000,
      'a core.deliveries run',
    );
    expect((await fetch(`${parameters}/deadWarning`, { method: 'DELETE', headers: admin })).status).toBe(200);
    expect(await latest.textContent()).toContain('ended: warning');
    expect(await latest.getAttribute('class')).toContain('sev-warning');
    const summary = await page.locator(`tr[data-check="${CHECK}"] td.summary`).textContent();
    expect(summary).toContain('1 of 6 keys in alert (worst critical)');
    await page.close();
  });

  it('groups errors by module and code with one confirmed "replay all", filters by module, and lists check errors and failing targets', async () => {
    const page = await open('/errors', admin);
    const groups = page.locator('tr[data-group]');
    expect(await groups.count()).toBe(1);
    const group = groups.first();
    expect(await group.getAttribute('data-group')).toMatch(/^webhook:HUB_ERR_/);
    expect(await group.locator('td').nth(2).textContent()).toMatch(/4\s+\(4 dead\)/);
    expect(await group.locator('.error-text').textContent()).toContain('(HTTP 500)');
    const failing = page.locator(`section:has(#failing-targets) tbody tr:has(a[href="/checks/${CHECK}"])`);
    expect(await failing.count()).toBe(3);
    expect(await page.locator('section:has(#check-errors)').textContent()).toContain('connect took 2.4 s (limit 2 s)');
    await page.selectOption('select[name="module"]', CHECK);
    await page.click('button:has-text("Show")');
    await page.waitForURL(/module=uptime-external/);
    expect(await page.locator('tr[data-group]').count()).toBe(0);
    expect(await page.locator('section:has(#failing-targets) tbody tr').count()).toBe(3);
    expect(await page.locator('select[name="module"]').inputValue()).toBe(CHECK);
    await page.goto(`${scene.hub.url}/errors`);
    await page.screenshot({ path: path.join(shots, 'errors.png') });

    await page.locator('tr[data-group] button').click();
    await page.waitForSelector('form.confirm');
    expect(await page.locator('#live').getAttribute('data-still')).toBe('');
    expect(await page.locator('form.confirm').textContent()).toContain('Replay all 4 dead webhook deliveries');
    expect(await scene.hub.hub.db.query(`select 1 from deliveries where status = 'dead'`)).toHaveProperty(
      'rowCount',
      4,
    );
    await page.click('button:has-text("Yes, replay all 4")');
    await page.waitForSelector('.flash:has-text("4 dead deliveries of webhook")');
    await waitFor(
      async () => (await scene.hub.hub.db.query(`select 1 from deliveries where status = 'dead'`)).rowCount === 0,
    );
    await page.close();
  });

  it('keeps "last failure" after the replay and says when the module recovered; the problem is gone from the title', async () => {
    const page = await open('/');
    await live(page);
    const webhook = page.locator('tr[data-module="webhook"]');
    // The failure's time, then "recovered" with its own.
    expect(await webhook.locator('td.failure time').count()).toBe(2);
    expect(await webhook.locator('td.failure .error-text').textContent()).toContain('(HTTP 500)');
    expect(await webhook.locator('td.failure').textContent()).toContain('recovered');
    expect(await webhook.locator('td.dead-cell').textContent()).toContain('none');
    expect(await page.title()).toBe('(1) Overview · Alvares');
    await page.close();
  });

  it('says codes in words, durations in minutes, times as dates, and asks before what is hard to undo', async () => {
    const page = await open(`/events/${scene.deadEvents[0]}`, admin);
    const webhook = page.locator('article.delivery', { hasText: 'webhook' });
    expect(await webhook.locator('.lifecycle .error-text').first().textContent()).toMatch(
      /^The other side answered with an error \(HTTP 500\)/,
    );
    expect(await page.locator('dl.facts dt:has-text("created") + dd time').count()).toBe(1);
    expect(await page.locator('dl.facts').textContent()).not.toContain('1763800000');
    expect(await page.locator('.delivery .muted').first().textContent()).toMatch(/took \d+ (ms|s)/);
    // Replaying what succeeded asks first; cancelling changes nothing.
    const database = page.locator('article.delivery', { hasText: 'database' });
    await database.getByRole('button', { name: 'Replay the database delivery' }).click();
    await page.waitForSelector('form.confirm');
    expect(await page.locator('form.confirm').textContent()).toContain('succeeded. Run it again?');
    await page.click('form.confirm a:has-text("Cancel")');
    await page.waitForURL(new RegExp(`/events/${scene.deadEvents[0]}$`));
    expect(
      (
        await scene.hub.hub.db.query<{ status: string }>(
          `select status from deliveries where event_id = $1 and module = 'database'`,
          [scene.deadEvents[0]],
        )
      ).rows[0]!.status,
    ).toBe('succeeded');
    await page.goto(`${scene.hub.url}/`);
    // Every button names what it acts on, and no two share a name.
    const names = await page
      .getByRole('button')
      .evaluateAll((buttons: Array<{ textContent: string | null }>) =>
        buttons.map((button) => (button.textContent ?? '').replace(/\s+/g, ' ').trim()),
      );
    expect(names).toContain('Turn off webhook');
    expect(new Set(names).size).toBe(names.length);
    await page.getByRole('button', { name: 'Turn off webhook' }).click();
    await page.waitForSelector('form.confirm');
    expect(scene.hub.hub.registry.isEnabled('webhook')).toBe(true);
    await page.click('button:has-text("Yes, turn off webhook")');
    await page.waitForSelector('.flash:has-text("webhook is off")');
    expect(scene.hub.hub.registry.isEnabled('webhook')).toBe(false);
    await page.getByRole('button', { name: 'Turn on webhook' }).click();
    await page.waitForSelector('.flash:has-text("webhook is on")');
    await page.close();
  });

  it('filters events by time with "last hour / since yesterday / last week"', async () => {
    const page = await open('/events');
    for (const label of ['last hour', 'since yesterday', 'last week']) {
      await page.click(`a:has-text("${label}")`);
      await page.waitForURL(/since=/);
      expect(await page.locator('#live tr[data-event]').count()).toBeGreaterThan(10);
      expect(await page.locator(`a[aria-current="true"]:has-text("${label}")`).count()).toBe(1);
    }
    const old = await page.goto(`${scene.hub.url}/events?since=2999-01-01T00:00:00Z`);
    expect(old?.status()).toBe(200);
    expect(await page.locator('#live').textContent()).toContain('no events match');
    const bad = await page.goto(`${scene.hub.url}/events?since=last-tuesday`);
    expect(bad?.status()).toBe(400);
    expect(await page.locator('p.error').textContent()).toContain('since');
    problems.length = 0;
    await page.close();
  });

  it('has a page per application: versions per cluster over time, deliveries, checks, errors and insights', async () => {
    const page = await open('/applications/kth-azure-app');
    expect(await page.title()).toContain('Application kth-azure-app');
    const versions = await page.locator('section:has(#versions-title)').textContent();
    expect(versions).toContain('2.0.11_abc123');
    expect(versions).toContain('1.0.0');
    expect(await page.locator('section:has(#versions-title) h3').allTextContents()).toEqual(['active', 'stage']);
    expect(await page.locator('section:has(#app-checks-title) tr[data-key]').count()).toBe(1);
    expect(await page.locator('section:has(#app-deliveries-title) tbody tr').count()).toBeGreaterThan(3);
    expect(await page.locator('section:has(#app-errors-title)').textContent()).toContain('Deployment failed');
    expect(await page.locator('section:has(#app-insights-title) .card').count()).toBe(4);
    await page.screenshot({ path: path.join(shots, 'application.png'), fullPage: true });
    const missing = await page.goto(`${scene.hub.url}/applications/no-such-app`);
    expect(missing?.status()).toBe(404);
    expect(await page.locator('p.error').textContent()).toContain('no application "no-such-app"');
    expect(await page.content()).not.toMatch(/at \w+ \(/);
    problems.length = 0;
    await page.close();
  });

  it('has a read-only page per team: applications, versions per cluster, health, open alerts, recent errors', async () => {
    const page = await open('/teams/team-studadm');
    const apps = await page
      .locator('tr[data-application]')
      .evaluateAll((rows: Array<{ getAttribute(name: string): string | null }>) =>
        rows.map((row) => row.getAttribute('data-application')),
      );
    expect(apps).toEqual(expect.arrayContaining(['kth-azure-app', 'kursinfo-web', 'node-api', 'studadm-api']));
    expect(apps).not.toContain('lms-export');
    const azure = page.locator('tr[data-application="kth-azure-app"]');
    expect(await azure.textContent()).toContain('2.0.11_abc123');
    expect(await azure.locator('.badge').first().textContent()).toContain('critical');
    expect(await page.locator('#team-alerts-title').textContent()).toBe('Open alerts: 1');
    expect(await page.locator('section:has(#team-errors-title)').textContent()).toContain('Deployment failed');
    expect(await page.locator('button, form[method="post"]:not([action="/sign-out"])').count()).toBe(0);
    await page.screenshot({ path: path.join(shots, 'team.png'), fullPage: true });
    const missing = await page.goto(`${scene.hub.url}/teams/nobody`);
    expect(missing?.status()).toBe(404);
    problems.length = 0;
    await page.close();
  });

  it('serves badges: the version deployed and its health, a check’s state, "unknown" with 404, cached briefly', async () => {
    const page = await watchedPage(browser, problems);
    const app = await page.goto(`${scene.hub.url}/badge/app/kth-azure-app.svg?cluster=active`);
    expect(app?.status()).toBe(200);
    expect(app?.headers()['content-type']).toMatch(/^image\/svg\+xml/);
    expect(app?.headers()['cache-control']).toBe('public, max-age=60');
    expect(await page.locator('svg title').textContent()).toBe('kth-azure-app: 2.0.11_abc123 · critical');
    const check = await page.goto(`${scene.hub.url}/badge/check/${CHECK}.svg`);
    expect(check?.status()).toBe(200);
    expect(await page.locator('svg title').textContent()).toBe(`${CHECK}: critical`);
    const unknown = await page.goto(`${scene.hub.url}/badge/app/${encodeURIComponent('<script>')}.svg`);
    expect(unknown?.status()).toBe(404);
    expect(await page.locator('svg title').textContent()).toBe('<script>: unknown');
    expect(await page.locator('script').count()).toBe(0);
    expect((await page.goto(`${scene.hub.url}/badge/check/nope.svg`))?.status()).toBe(404);
    problems.length = 0;
    await page.close();
  });

  it('answers "is Slack keeping up?" with queue depth and oldest wait per module on the overview', async () => {
    const page = await open('/');
    await live(page);
    scene.receiver.stall(3_000, 30);
    for (let index = 0; index < 30; index += 1) {
      await put(scene.hub.url, 'deployment', aspenDeployment({ applicationName: `flood-${index}`, version: 'f-1' }));
    }
    const waiting = page.locator('#queues li[data-queue]', { hasText: /waiting, oldest \d+ (s|ms)/ });
    await waiting.first().waitFor({ timeout: 5_000 });
    expect((await waiting.first().textContent())!.replace(/\s+/g, ' ').trim()).toMatch(/^\w+: \d+ waiting, oldest/);
    await waitFor(
      async () =>
        (await scene.hub.hub.db.query(`select 1 from deliveries where status in ('queued', 'in_progress')`))
          .rowCount === 0,
      60_000,
      'the flood to drain',
    );
    await page.close();
  }, 90_000);

  it('keeps the overview’s problem columns on screen at 390 px wide, without sideways scrolling', async () => {
    const page = await open('/');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    for (const selector of [
      'ul.problems li',
      'tr[data-module="webhook"] td.failure',
      'tr[data-module="webhook"] td.dead-cell',
    ]) {
      // Measured in one step: a live refresh may replace the element between two calls.
      const box = await page
        .locator(selector)
        .first()
        .evaluate((element: { getBoundingClientRect(): { left: number; right: number; height: number } }) => {
          const rect = element.getBoundingClientRect();
          return { left: rect.left, right: rect.right, height: rect.height };
        });
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(390);
      expect(box.height).toBeGreaterThan(0);
    }
    const rowHeight = await page
      .locator(`tr[data-check="${CHECK}"]`)
      .evaluate((element: { getBoundingClientRect(): { height: number } }) => element.getBoundingClientRect().height);
    expect(rowHeight).toBeLessThan(200);
    await page.screenshot({ path: path.join(shots, 'overview-phone.png') });
    await page.close();
  });
});
