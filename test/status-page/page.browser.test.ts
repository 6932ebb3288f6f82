import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { databaseModule } from '../../modules/database/index.js';
import { webhookModule } from '../../modules/webhook/index.js';
import { freePort } from '../../src/util/processes.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment } from '../support/aspen.js';
import { TEST_SHOTS } from '../support/browser.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

/**
 * The status page in a real headless Chromium against real hubs: what an operator sees, live. Screenshots
 * of the views go to test-output/screenshots/ (ignored); `npm run screenshots` writes the documented ones.
 */
const TOKEN = 'browser-test-admin-token-42';
const SHOTS = TEST_SHOTS;
const MODULES = [databaseModule, webhookModule];

async function put(url: string, overrides: Record<string, unknown>): Promise<string> {
  const answer = await fetch(`${url}/api/v1/deployment`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(aspenDeployment(overrides)),
  });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { id: string }).id;
}

describe('the status page in Chromium', () => {
  let browser: Browser;
  let hub: TestHub;
  const receiver = new FakeSubscriber();
  const problems: string[] = [];

  const open = async (url: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(url);
    return page;
  };
  const live = (page: Page) => page.waitForSelector('#live-state[data-state="live"]', { timeout: 5_000 });

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    await receiver.start();
    browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    hub = await startTestHub({
      modules: MODULES,
      env: {
        ADMIN_TOKEN: TOKEN,
        WEBHOOK_URL: receiver.url,
        DELIVERY_MAX_ATTEMPTS_WEBHOOK: '1',
        DELIVERY_TIMEOUT_MS_WEBHOOK: '20000',
      },
    });
  });
  beforeEach(() => {
    problems.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await receiver.stop();
  });

  it('loads every view with no console errors, live, and writes their screenshots', async () => {
    receiver.answer(502, 1);
    await put(hub.url, { applicationName: 'lms-export', version: '0.9.0' });
    await waitFor(async () => (await hub.hub.db.query(`select 1 from deliveries where status = 'dead'`)).rowCount);
    await put(hub.url, { applicationName: 'tamarack', cluster: 'stage', version: '1.4.2' });
    const id = await put(hub.url, { applicationName: 'kth-azure-app', version: '2.0.11_abc123' });
    await waitFor(
      async () =>
        (await hub.hub.db.query(`select 1 from deliveries where event_id = $1 and status = 'succeeded'`, [id]))
          .rowCount === 2,
    );
    const page = await open(`${hub.url}/`);
    await live(page);
    await page.screenshot({ path: path.join(SHOTS, 'overview.png'), fullPage: true });
    for (const [name, view] of [
      ['events', '/events'],
      ['event', `/events/${id}`],
      ['deployments', '/deployments'],
      ['schedules', '/schedules'],
    ] as const) {
      await page.goto(hub.url + view);
      await live(page);
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${hub.url}/`);
    await live(page);
    await page.screenshot({ path: path.join(SHOTS, 'overview-phone.png'), fullPage: false });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('shows a deployment PUT elsewhere within a second, without a reload', async () => {
    const page = await open(`${hub.url}/`);
    await live(page);
    await page.evaluate('window.notReloaded = true');
    const started = Date.now();
    await put(hub.url, { applicationName: 'live-app', version: 'live-version-7' });
    await page.waitForSelector('#live td.summary:has-text("live-version-7")', { timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    await page.waitForSelector('#activity li:has-text("deployment live-app")', { timeout: 1_000 });
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('shows a delivery in progress with a spinner and its elapsed time, and loses it when done', async () => {
    receiver.stall(2_500, 1);
    const page = await open(`${hub.url}/`);
    await live(page);
    await put(hub.url, { applicationName: 'slow-app', version: 'slow-1' });
    const row = page.locator('#live tr', { hasText: 'deployment slow-app' }).filter({ has: page.locator('.spinner') });
    await row.waitFor({ timeout: 2_000 });
    // The script ticks the elapsed time: past 0 s without a reload of the part.
    await page.waitForFunction(
      () => {
        const doc = (
          globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }
        ).document;
        return /^[1-9]\d* s$/.test(doc.querySelector('#live .elapsed')?.textContent ?? '');
      },
      undefined,
      { timeout: 3_000 },
    );
    await row.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.locator('#live .spinner').count()).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('replays a dead delivery with its button after signing in', async () => {
    receiver.answer(500, 1);
    const id = await put(hub.url, { applicationName: 'dead-app', version: 'dead-1' });
    await waitFor(
      async () =>
        (await hub.hub.db.query(`select 1 from deliveries where event_id = $1 and status = 'dead'`, [id])).rowCount,
    );
    const page = await open(`${hub.url}/events/${id}`);
    expect(await page.locator('button:has-text("Replay")').count()).toBe(0);
    await page.click('text=Sign in');
    await page.fill('input[name="token"]', TOKEN);
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('text=Sign out');
    await page.goto(`${hub.url}/events/${id}`);
    await live(page);
    const webhook = page.locator('article.delivery', { hasText: 'webhook' });
    await webhook.locator('.badge:has-text("dead")').first().waitFor();
    await webhook.locator('button:has-text("Replay")').click();
    await page.waitForSelector('.flash:has-text("Delivery queued again")');
    await page
      .locator('article.delivery', { hasText: 'webhook' })
      .locator('h3 .badge:has-text("succeeded")')
      .waitFor({ timeout: 5_000 });
    const lifecycle = await page
      .locator('article.delivery', { hasText: 'webhook' })
      .locator('ol.lifecycle')
      .innerText();
    expect(lifecycle).toContain('(replay)');
    expect(receiver.eventIds().filter((eventId) => eventId === id)).toHaveLength(2);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('shows a hostile application name as text, in the page and in the live list', async () => {
    const hostile = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">';
    // The name as enrichment keeps it (double quotes dropped, as the original's getters did): still hostile.
    const named = hostile.replaceAll('"', '');
    const page = await open(`${hub.url}/`);
    await live(page);
    const id = await put(hub.url, { applicationName: hostile, version: 'hostile-2' });
    await page.waitForSelector('#live td.summary:has-text("hostile-2")', { timeout: 2_000 });
    expect(await page.locator('#live td.app', { hasText: '<script>window.pwned=1</script>' }).count()).toBeGreaterThan(
      0,
    );
    expect(await page.locator('#activity li', { hasText: named }).count()).toBeGreaterThan(0);
    await page.goto(`${hub.url}/events/${id}`);
    expect(await page.title()).toContain('<script>window.pwned=1</script>');
    expect(await page.locator('pre.json').first().innerText()).toContain(named);
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    expect(await page.locator('body img').count()).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });
});

describe('the status page when its hub restarts', () => {
  it('says it is disconnected, reconnects, and replays what happened meanwhile (Last-Event-ID)', async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    const other = await startTestHub({ modules: MODULES });
    const port = String(await freePort());
    let viewed = await startTestHub({ modules: MODULES, databaseUrl: other.databaseUrl, env: { PORT: port } });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      const resumedWith: string[] = [];
      page.on('request', (request) => {
        if (!request.url().includes('/api/v1/stream')) return;
        // The browser's own retry sends the header; the page's fresh EventSource after a refused retry, the query.
        const id = request.headers()['last-event-id'] ?? new URL(request.url()).searchParams.get('lastEventId');
        if (id) resumedWith.push(id);
      });
      await page.goto(`${viewed.url}/`);
      await page.waitForSelector('#live-state[data-state="live"]');
      resumedWith.length = 0;
      await put(viewed.url, { applicationName: 'before-restart' });
      await page.waitForSelector('#activity li:has-text("deployment before-restart")');

      await viewed.stop();
      await page.waitForSelector('#live-state[data-state="down"]:has-text("disconnected, reconnecting")', {
        timeout: 5_000,
      });
      await put(other.url, { applicationName: 'while-away' });
      viewed = await startTestHub({ modules: MODULES, databaseUrl: other.databaseUrl, env: { PORT: port } });

      await page.waitForSelector('#live-state[data-state="live"]', { timeout: 10_000 });
      // Only the stream writes this list: the entry is there because the missed row was replayed.
      await page.waitForSelector('#activity li:has-text("deployment while-away")', { timeout: 5_000 });
      expect(resumedWith.length).toBeGreaterThan(0);
      expect(Number(resumedWith.at(-1))).toBeGreaterThan(0);
      await page.waitForSelector('#live td.app:has-text("while-away")', { timeout: 3_000 });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await viewed.stop().catch(() => undefined);
      await other.stop();
    }
  }, 45_000);
});
