import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, watchedPage, type AxeViolation } from '../support/browser.js';
import { CHECK, SCENE_ADMIN_TOKEN, startScene, type Scene } from '../support/operator-scene.js';

/**
 * Every view of the status page through axe-core in Chromium, signed in (so every button is there), in the
 * light and the dark scheme: no serious or critical violation anywhere (contrast, names, labels, structure).
 */
describe('the status page for everyone (axe-core)', () => {
  let browser: Browser;
  let scene: Scene;
  let admin: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    scene = await startScene();
    admin = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await admin.newPage();
    await page.goto(`${scene.hub.url}/sign-in`);
    await page.fill('input[name="token"]', SCENE_ADMIN_TOKEN);
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('text=Sign out');
    await page.close();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await scene?.stop();
  });

  const views = () => [
    '/',
    '/events',
    '/events?derived=1&since=1h',
    `/events/${scene.deadEvents[0]}`,
    `/events/${scene.errorEvent}`,
    `/checks/${CHECK}`,
    '/checks/core.deliveries',
    '/deployments',
    '/applications/kth-azure-app',
    '/teams/team-studadm',
    '/insights',
    '/schedules',
    '/notifications',
    '/errors',
    '/teams/nobody',
  ];

  const check = async (page: Page, found: Record<string, AxeViolation[]>, name: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const violations = await axeViolations(page);
      if (violations.length > 0) found[`${scheme} ${name}`] = violations;
    }
  };

  it('finds no serious or critical violation on any view, light or dark', async () => {
    const found: Record<string, AxeViolation[]> = {};
    const page = await watchedPage(admin, problems);
    for (const view of views()) {
      await page.goto(scene.hub.url + view);
      await check(page, found, view);
    }
    // The question before turning a module off, and the sign-in form (a reader who is not signed in).
    await page.goto(`${scene.hub.url}/`);
    await page.getByRole('button', { name: 'Turn off webhook' }).click();
    await page.waitForSelector('form.confirm');
    await check(page, found, 'confirm turning off');
    const anonymous = await watchedPage(browser, problems);
    await anonymous.goto(`${scene.hub.url}/sign-in`);
    // The sign-in form is not refreshed live: that would wipe the token being typed.
    expect(await anonymous.locator('#live').getAttribute('data-still')).toBe('');
    await check(anonymous, found, '/sign-in');
    await anonymous.goto(`${scene.hub.url}/`);
    await check(anonymous, found, '/ (not signed in)');
    expect(found).toEqual({});
    // The 404 page logs its own status as a console error in Chromium; nothing else may.
    expect(problems.filter((problem) => !problem.includes('404'))).toEqual([]);
  }, 120_000);
});
