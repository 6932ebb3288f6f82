import type { Browser, Page } from 'playwright-core';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment } from '../support/aspen.js';
import { axeViolations, launchChromium, watchedPage } from '../support/browser.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN_TOKEN = 'silences-page-admin-token-42';

describe('silences on the status page, in Chromium', () => {
  let browser: Browser;
  let fake: FakeSlack;
  let hub: TestHub;
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { ADMIN_TOKEN, SLACK_CHANNELS: 'deployments' } });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await fake?.close();
  });

  async function signedIn(): Promise<Page> {
    const page = await watchedPage(browser, problems);
    await page.goto(`${hub.url}/sign-in`);
    await page.fill('input[name="token"]', ADMIN_TOKEN);
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('text=Sign out');
    return page;
  }

  it('mutes an application from the form, shows what it held, and ends it', async () => {
    const anonymous = await watchedPage(browser, problems);
    await anonymous.goto(`${hub.url}/silences`);
    expect(await anonymous.locator('form.silence-form').count()).toBe(0);
    expect(await anonymous.locator('text=Sign in to create or end silences').count()).toBe(1);
    await anonymous.close();

    const page = await signedIn();
    await page.goto(`${hub.url}/silences`);
    await page.fill('form.silence-form input[name="application"]', 'page-muted-app');
    await page.fill('form.silence-form input[name="minutes"]', '30');
    await page.fill('form.silence-form input[name="reason"]', 'database <b>upgrade</b>');
    await page.click('form.silence-form button:has-text("Mute")');
    await page.waitForSelector('.flash:has-text("Muted until")');
    const row = page.locator('tr[data-silence]', { hasText: 'application=page-muted-app' });
    expect(await row.innerText()).toContain('database <b>upgrade</b>');
    expect(await row.innerText()).toContain('status page (page)');
    expect(await axeViolations(page)).toEqual([]);

    const res = await fetch(`${hub.url}/api/v1/deployment`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(aspenDeployment({ applicationName: 'page-muted-app', slackChannels: null })),
    });
    const { id } = (await res.json()) as { id: string };
    await page.goto(`${hub.url}/events/${id}`);
    const slack = page.locator('article.delivery', { hasText: 'slack' });
    await waitFor(
      async () => {
        await page.reload();
        return (await slack.locator('h3 .badge:has-text("suppressed")').count()) > 0 ? true : null;
      },
      10_000,
      'the held delivery on the event page',
    );
    expect(await slack.locator('p.held').innerText()).toContain('Held by a silence: not sent; replay sends it.');
    expect(await slack.locator('button:has-text("Replay")').count()).toBe(1);

    await page.goto(`${hub.url}/`);
    const muted = await page.locator('section.muted-now').innerText();
    expect(muted).toMatch(
      /application=page-muted-app muted until .+ by status page: database <b>upgrade<\/b> · 1 held/,
    );
    // The event it held is listed under it, a link to the event's page.
    const heldLink = page.locator('section.muted-now ul.held a');
    expect(await heldLink.count()).toBe(1);
    expect(await heldLink.innerText()).toBe('deployment page-muted-app');
    expect(await heldLink.getAttribute('href')).toBe(`/events/${id}`);
    expect(await page.locator('section.muted-now ul.held').innerText()).toContain('to slack');
    expect(await axeViolations(page)).toEqual([]);

    await page.goto(`${hub.url}/silences`);
    await row.locator('button:has-text("End now")').click();
    await page.waitForSelector('.flash:has-text("Silence ended")');
    expect(await page.locator('section.muted-now').count()).toBe(0);
    const history = await page.locator('tr[data-silence]', { hasText: 'application=page-muted-app' }).innerText();
    expect(history).toContain('ended by status page');
    expect(await page.locator('tr[data-silence] button:has-text("End now")').count()).toBe(0);
    expect(fake.roots('#deployments').filter((message) => JSON.stringify(message).includes('page-muted-app'))).toEqual(
      [],
    );
    await page.close();
    expect(problems).toEqual([]);
  });
});
