import request from 'supertest';
import type { Browser } from 'playwright-core';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment } from '../support/aspen.js';
import { axeViolations, launchChromium, watchedPage } from '../support/browser.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { eventView, finishedDelivery, put, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN = 'notify-pages-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };
/** A route name an admin typed with markup in it: shown as text everywhere. */
const HOSTILE = 'kth <img src=x onerror=alert(1)> deploys';
const ROUTES = {
  routes: [
    {
      name: HOSTILE,
      match: { kind: ['deployment'], application: ['~^kth-'] },
      to: [
        { target: 'slack', addresses: ['#kth-deploys'] },
        { target: 'slack', addresses: 'payload' },
      ],
      continue: true,
    },
    { name: 'the rest', match: {}, to: [{ target: 'slack', addresses: ['#elsewhere'] }] },
  ],
};

/** The event page names the route behind each send; the notifications view lists targets, routes and templates. */
describe('notifications on the status page, in Chromium', () => {
  let fake: FakeSlack;
  let hub: TestHub;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { SLACK_CHANNELS: '#deployments', ADMIN_TOKEN: ADMIN } });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await fake?.close();
  });

  it('shows the default routing marked as default, the target without secrets, and built-in templates', async () => {
    const page = await watchedPage(browser, problems);
    await page.goto(`${hub.url}/notifications`);
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toContain('Notifications');
    expect(await page.locator('#routes-source').getAttribute('data-source')).toBe('default');
    expect(await page.locator('#routes-source').textContent()).toContain('default routing');
    expect(await page.locator('tr[data-target="slack"]').textContent()).toContain('threads');
    expect(await page.locator('tr[data-route="deployments"]').textContent()).toContain('#deployments');
    expect(await page.locator('tr[data-template="slack/deployment"]').textContent()).toContain('built-in words');
    expect(await page.content()).not.toContain(TOKEN);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 30_000);

  it('names the route that chose each send, on the event page and in the API, escaped', async () => {
    await request(hub.url).put('/api/v1/notify/routes').set(auth).send(ROUTES).expect(200);
    await request(hub.url)
      .put('/api/v1/notify/templates/slack/error')
      .set(auth)
      .send({ template: 'Error in {{ applicationName }} <b>' })
      .expect(200);
    await waitFor(
      async () => ((await request(hub.url).get('/api/v1/notify/routes')).body.source === 'stored' ? true : null),
      5_000,
      'the stored routes',
    );
    const id = await put(hub, 'deployment', aspenDeployment({ slackChannels: '#team-a' }));
    expect((await finishedDelivery(hub, id)).status).toBe('succeeded');

    // The API: the delivery's result maps each address to the route that chose it.
    const slack = (await eventView(hub, id)).deliveries.find((delivery) => delivery.module === 'slack')!;
    expect(slack.result).toMatchObject({
      details: { routes: { '#kth-deploys': HOSTILE, '#team-a': HOSTILE, '#elsewhere': 'the rest' } },
    });

    const page = await watchedPage(browser, problems);
    await page.goto(`${hub.url}/events/${id}`);
    const sends = page.locator('article.delivery ul.sent-by li');
    await page.waitForSelector('article.delivery ul.sent-by li');
    const lines = await sends.allTextContents();
    expect(lines.map((line) => line.replace(/\s+/g, ' ').trim()).sort()).toEqual([
      '#elsewhere chosen by route the rest',
      `#kth-deploys chosen by route ${HOSTILE}`,
      `#team-a chosen by route ${HOSTILE}`,
    ]);
    expect(await page.locator('article.delivery img').count()).toBe(0);

    // The view now says the routes are stored, in order, and shows the stored template as text.
    await page.goto(`${hub.url}/notifications`);
    expect(await page.locator('#routes-source').getAttribute('data-source')).toBe('stored');
    const rows = await page.locator('#routes tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(HOSTILE);
    expect(rows[0]).toContain('application=~^kth-');
    expect(rows[1]).toContain('the rest');
    expect(await page.locator('tr[data-template="slack/error"] pre').textContent()).toBe(
      'Error in {{ applicationName }} <b>',
    );
    expect(await page.locator('#live img, #live b').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
    expect(problems).toEqual([]);
  }, 40_000);
});
