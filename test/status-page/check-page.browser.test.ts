import { chromium, type Browser } from 'playwright-core';
import { startTestHub, type TestHub } from '../support/hub.js';

/** The page Slack alerts link to: one check's state and runs, in a real Chromium. */
const TOKEN = 'check-page-admin-token-0123';

describe("a check's page in Chromium", () => {
  let browser: Browser;
  let hub: TestHub;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    hub = await startTestHub({ modules: [], env: { ADMIN_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  const send = (path: string, body: unknown, method = 'POST') =>
    fetch(`${hub.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('shows the state, a run in progress with its spinner, results, errors as text, and 404 for an unknown check', async () => {
    expect((await send('/api/v1/checks/nightly-scan', { description: 'the nightly scan' }, 'PUT')).status).toBe(201);
    expect(
      (
        await send('/api/v1/checks/nightly-scan/results', {
          status: 'error',
          message: 'found <script>alert(1)</script>',
        })
      ).status,
    ).toBe(201);
    expect((await send('/api/v1/checks/nightly-scan/runs', { runId: 'run-2', target: 'portal' })).status).toBe(201);
    expect(
      (
        await send('/api/v1/checks/nightly-scan/runs/run-2/errors', {
          error: 'timeout on <b>page</b>',
          detail: 'after 10 s',
        })
      ).status,
    ).toBe(201);

    const problems: string[] = [];
    const page = await browser.newPage();
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    const answer = await page.goto(`${hub.url}/checks/nightly-scan`);
    expect(answer?.status()).toBe(200);
    expect(await page.title()).toContain('Check nightly-scan');

    const open = page.locator('tr[data-run="run-2"]');
    expect(await open.locator('.spinner').count()).toBe(1);
    expect(await open.locator('.error').textContent()).toBe('timeout on <b>page</b>: after 10 s');
    const finished = page.locator('tr[data-run]', { hasText: 'found <script>alert(1)</script>' });
    expect(await finished.locator('.badge').textContent()).toContain('error');
    // The check's one target carries the same result, its message shown as the text it was.
    expect(await page.locator('tr[data-key] .badge').first().textContent()).toContain('error');
    expect(await page.locator('script:not([src])').count()).toBe(0);

    // The schedules view links inspections here; an unknown check is a 404 page, not an error.
    const missing = await page.goto(`${hub.url}/checks/no-such-check`);
    expect(missing?.status()).toBe(404);
    expect(problems.filter((text) => !text.includes('404'))).toEqual([]);
    await page.close();
  });
});
