import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchChromium } from '../support/browser.js';
import {
  DAY,
  HOUR,
  MINUTE,
  createdAt,
  deploymentAt,
  errorAt,
  transitionAt,
  writeHistory,
  type HistoryItem,
} from '../support/insights-history.js';
import { APPLICATIONS, CHECK, SCENE_ADMIN_TOKEN, startScene } from '../support/operator-scene.js';

/**
 * `npm run screenshots`: the operator guide's pictures, on purpose (browser test runs write theirs to
 * test-output/). The operator scene plus eight weeks of history for the insights, signed in, light scheme,
 * at 1400×900 and (the overview and a check) 390×844.
 */
const DOCS = path.resolve(import.meta.dirname, '../../docs/screenshots');

function history(now: number): HistoryItem[] {
  const items: HistoryItem[] = [];
  APPLICATIONS.slice(0, 8).forEach((application, index) => {
    const team = ['team-studadm', 'team-kursinformation', 'team-e-larande'][index % 3]!;
    for (let week = 8; week >= 1; week -= 1) {
      const at = now - week * 7 * DAY + index * 5 * HOUR;
      items.push(
        deploymentAt(new Date(at), {
          applicationName: application,
          team,
          slackChannels: `#${team}`,
          version: `0.${week}.${index}`,
          created: createdAt(new Date(at - (30 + index * 20) * MINUTE)),
        }),
      );
      if ((week + index) % 5 === 0) items.push(errorAt(new Date(at + 10 * MINUTE), application));
      if ((week + index) % 7 === 0) {
        items.push(transitionAt(new Date(at + 5 * MINUTE), application, 'alert'));
        items.push(transitionAt(new Date(at + 50 * MINUTE), application, 'recovered'));
      }
    }
  });
  return items;
}

it('writes the screenshots of docs/screenshots', async () => {
  await mkdir(DOCS, { recursive: true });
  const scene = await startScene();
  const browser = await launchChromium();
  try {
    await writeHistory(scene.hub.hub.db, scene.hub.hub.config, history(Date.now() - 2 * HOUR));
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(`${scene.hub.url}/sign-in`);
    await page.fill('input[name="token"]', SCENE_ADMIN_TOKEN);
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('text=Sign out');
    const shoot = async (name: string, view: string) => {
      await page.goto(scene.hub.url + view);
      await page.waitForSelector('#live-state[data-state="live"]', { timeout: 5_000 });
      await page.screenshot({ path: path.join(DOCS, `${name}.png`) });
    };
    for (const [name, view] of [
      ['overview', '/'],
      ['events', '/events'],
      ['event', `/events/${scene.deadEvents[0]}`],
      ['error-event', `/events/${scene.errorEvent}`],
      ['check', `/checks/${CHECK}`],
      ['errors', '/errors'],
      ['deployments', '/deployments'],
      ['application', '/applications/kth-azure-app'],
      ['team', '/teams/team-studadm'],
      ['schedules', '/schedules'],
      ['insights', '/insights'],
    ] as const) {
      await shoot(name, view);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot('overview-phone', '/');
    await shoot('check-phone', `/checks/${CHECK}`);
  } finally {
    await browser.close();
    await scene.stop();
  }
}, 180_000);
