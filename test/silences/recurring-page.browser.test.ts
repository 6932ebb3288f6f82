import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { FakeSlack } from '../fakes/slack.js';
import { axeViolations, launchChromium, watchedPage } from '../support/browser.js';
import type { TestHub } from '../support/hub.js';
import { startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN_TOKEN = 'silences-recurring-admin-token-42';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('weekly windows from the silences page, in Chromium', () => {
  let browser: Browser;
  let fake: FakeSlack;
  let hub: TestHub;
  let dir: string;
  let file: string;
  const problems: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-silence-page-'));
    file = path.join(dir, 'alvares.yaml');
    await writeFile(
      file,
      `silences:
  - name: file-quiet
    matchers: { application: [file-quiet-app] }
    endsAt: "${new Date(Date.now() + 86_400_000).toISOString()}"
    reason: moved by the file
`,
    );
    browser = await launchChromium();
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { ADMIN_TOKEN, SLACK_CHANNELS: 'deployments', ALVARES_CONFIG: file } });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function signedIn(): Promise<Page> {
    const page = await watchedPage(browser, problems);
    await page.goto(`${hub.url}/sign-in`);
    await page.fill('input[name="token"]', ADMIN_TOKEN);
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('text=Sign out');
    return page;
  }

  const form = 'form.silence-form';

  it('shows each refused field next to it, then makes the window and lists its rule in words and next opening', async () => {
    const page = await signedIn();
    await page.goto(`${hub.url}/silences`);
    // The time zone starts as the browser's.
    const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await page.inputValue(`${form} input[name="timeZone"]`)).toBe(browserZone);

    expect(await page.isChecked(`${form} input[name="repeat"][value="once"]`)).toBe(true);
    // Typing a weekly field picks "Every week".
    await page.fill(`${form} input[name="time"]`, '25:00');
    expect(await page.isChecked(`${form} input[name="repeat"][value="weekly"]`)).toBe(true);
    await page.fill(`${form} input[name="application"]`, 'patched-app');
    await page.fill(`${form} input[name="timeZone"]`, 'Mars/Olympus');
    await page.fill(`${form} input[name="reason"]`, 'weekly patching');
    const [refused] = await Promise.all([page.waitForNavigation(), page.click(`${form} button:has-text("Mute")`)]);
    expect(refused!.status()).toBe(400);
    expect(await page.locator(`${form} [role="alert"]`).innerText()).toContain('Not muted');
    expect(await page.locator('#silence-error-days').innerText()).toBe('pick at least one day');
    expect(await page.locator('#silence-error-time').innerText()).toBe('a time of day as HH:MM (02:00)');
    expect(await page.locator('#silence-error-timeZone').innerText()).toContain(
      '"Mars/Olympus" is not an IANA time zone',
    );
    const zone = page.locator(`${form} input[name="timeZone"]`);
    expect(await zone.getAttribute('aria-invalid')).toBe('true');
    expect(await zone.getAttribute('aria-describedby')).toBe('silence-error-timeZone');
    // What was typed is kept, and the weekly choice with it.
    expect(await zone.inputValue()).toBe('Mars/Olympus');
    expect(await page.inputValue(`${form} input[name="application"]`)).toBe('patched-app');
    expect(await page.isChecked(`${form} input[name="repeat"][value="weekly"]`)).toBe(true);
    expect(await page.locator('#silence-error-reason').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    await page.check(`${form} input[name="days"][value="MO"]`);
    await page.check(`${form} input[name="days"][value="WE"]`);
    await page.fill(`${form} input[name="time"]`, '02:30');
    await page.fill(`${form} input[name="durationMinutes"]`, '90');
    await page.fill(`${form} input[name="timeZone"]`, 'Europe/Stockholm');
    await page.click(`${form} button:has-text("Mute")`);
    await page.waitForSelector('.flash:has-text("Window set")');
    expect(await page.locator('.flash').innerText()).toContain(
      'Window set: every Monday and Wednesday at 02:30 for 90 min (Europe/Stockholm); next opens',
    );
    const row = page.locator('tr[data-silence]', { hasText: 'application=patched-app' });
    const text = await row.innerText();
    expect(text).toContain('every Monday and Wednesday at 02:30 for 90 min');
    expect(text).toContain('(Europe/Stockholm)');
    expect(text).toMatch(/next opens|open now until/);
    expect(await axeViolations(page)).toEqual([]);

    // The API holds the rule the form built.
    const id = await row.getAttribute('data-silence');
    const stored = (await (await fetch(`${hub.url}/api/v1/silences/${id}`, { headers: admin })).json()) as Record<
      string,
      unknown
    >;
    expect(stored).toMatchObject({
      recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=2;BYMINUTE=30',
      durationMinutes: 90,
      timeZone: 'Europe/Stockholm',
      matchers: { application: ['patched-app'] },
      origin: 'page',
    });
    await page.close();
  });

  it('shows why a silence the configuration file owns has no End button, and refuses ending it as the API does', async () => {
    const page = await signedIn();
    await page.goto(`${hub.url}/silences`);
    const row = page.locator('tr[data-silence]', { hasText: 'application=file-quiet-app' });
    expect(await row.locator('button:has-text("End now")').count()).toBe(0);
    expect(await row.locator('.owned').innerText()).toBe(
      `Set by the configuration file ${file}: end it by removing it from the file.`,
    );
    const id = (await row.getAttribute('data-silence'))!;

    // An End form sent anyway (a page from before the file took the silence over) is refused with the API's words.
    // A copy of another row's form, outside the live list: the list is redrawn as the hub changes, which would
    // put the original form back under the click.
    const other = page.locator('tr[data-silence]', { hasText: 'application=patched-app' }).locator('form');
    await other.evaluate(
      (
        form: { cloneNode(deep: boolean): unknown; ownerDocument: { body: { appendChild(node: unknown): void } } },
        silenceId: string,
      ) => {
        const copy = form.cloneNode(true) as { setAttribute(name: string, value: string): void };
        copy.setAttribute('action', `/actions/silences/${silenceId}/end`);
        copy.setAttribute('id', 'stale-end');
        form.ownerDocument.body.appendChild(copy);
      },
      id,
    );
    const [answer] = await Promise.all([page.waitForNavigation(), page.locator('#stale-end button').click()]);
    expect(answer!.status()).toBe(409);
    const said = `silence ${id} is set by the configuration file ${file}: end it by removing it from the file`;
    expect(await page.locator('main .error').innerText()).toContain(said);
    const api = await fetch(`${hub.url}/api/v1/silences/${id}`, { method: 'DELETE', headers: admin });
    expect(api.status).toBe(409);
    expect(((await api.json()) as { error: { message: string } }).error.message).toBe(said);
    const still = (await (await fetch(`${hub.url}/api/v1/silences/${id}`, { headers: admin })).json()) as {
      state: string;
    };
    expect(still.state).toBe('active');
    await page.close();
    // A refused form's answer is a 4xx document; nothing else went wrong in the pages.
    expect(problems.filter((problem) => !/status of (400|409)/.test(problem))).toEqual([]);
  });
});
