import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
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
import { TEST_SHOTS } from '../support/browser.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';

/**
 * The insights view in a real Chromium: what it shows is what the API says, names from payloads stay text,
 * the charts are the hub's own SVG; its screenshot goes to test-output/screenshots/ (ignored).
 */
const SHOTS = TEST_SHOTS;
const HOSTILE = '<img src=x onerror=alert(1)>';

/** A seeded generator: the same history (and screenshot) on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Twelve weeks of six applications of three teams (and one with a hostile name), ending an hour ago. */
function history(now: number): HistoryItem[] {
  const next = random(14);
  const apps: Array<[string, string, number]> = [
    ['kth-azure-app', 'team-studadm', 4],
    ['ladok-sync', 'team-studadm', 1.5],
    ['kurs-pm', 'team-kursinformation', 3],
    ['kursinfo-web', 'team-kursinformation', 0.6],
    ['lms-export', 'team-e-larande', 2],
    [HOSTILE, 'team-e-larande', 0.8],
  ];
  const items: HistoryItem[] = [];
  for (const [application, team, perWeek] of apps) {
    let at = now - 84 * DAY;
    let version = 0;
    for (;;) {
      at += (7 * DAY * (0.3 + next() * 1.4)) / perWeek;
      if (at > now - HOUR) break;
      version += 1;
      const built = next() < 0.15 ? null : new Date(at - (20 * MINUTE + next() * 6 * HOUR));
      items.push(
        deploymentAt(new Date(at), {
          applicationName: application,
          team,
          slackChannels: `#${team}`,
          version: `1.${version}`,
          created: built ? createdAt(built) : null,
        }),
      );
      const roll = next();
      if (roll < 0.12) items.push(errorAt(new Date(at + 10 * MINUTE), application));
      else if (roll < 0.2) {
        items.push(transitionAt(new Date(at + 5 * MINUTE), application, 'alert'));
        items.push(transitionAt(new Date(at + (15 + next() * 90) * MINUTE), application, 'recovered'));
      }
    }
  }
  return items;
}

describe('the insights view in Chromium', () => {
  let browser: Browser;
  let hub: TestHub;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    hub = await startTestHub({
      modules: [],
      env: { SCHEDULE_CORE_PRUNE: 'off', SCHEDULE_CORE_INSIGHTS_WEEKLY: 'off' },
    });
    await writeHistory(hub.hub.db, hub.hub.config, history(Date.now()));
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it("shows the API's figures per team and application, with charts, names as text, and no console errors", async () => {
    const problems: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    const answer = await page.goto(`${hub.url}/insights`);
    expect(answer?.status()).toBe(200);
    await page.waitForSelector('#live-state[data-state="live"]', { timeout: 5_000 });
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Insights');

    // The page's window is the API's default: compare with the API over the same from and to.
    const from = await page.locator('[data-total] .muted').textContent();
    expect(from).toMatch(/^active · \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d · per week$/);
    const api = (await (await fetch(`${hub.url}/api/v1/insights?ids=0`)).json()) as Json;
    expect(api.applications).toHaveLength(6);
    const total = page.locator('[data-total]');
    expect(await total.locator('[data-figure="deployments"]').textContent()).toBe(
      String(api.total.deploymentFrequency.n),
    );
    expect(await total.locator('[data-figure="cfr"]').textContent()).toBe(api.total.changeFailureRate.text);
    expect(await total.locator('[data-figure="ttr"]').textContent()).toBe(api.total.timeToRestore.text);
    expect(await total.locator('[data-figure="lead"]').textContent()).toBe(api.total.leadTime.text);
    for (const entry of api.applications) {
      const row = page.locator(`tr[data-application="${entry.application.replace(/"/g, '\\"')}"]`);
      expect({
        // The template's own line breaks around the link are not part of the name.
        application: (await row.locator('td.app').textContent())?.trim(),
        deployments: await row.locator('[data-figure="deployments"]').textContent(),
        cfr: await row.locator('[data-figure="cfr"]').textContent(),
        ttr: await row.locator('[data-figure="ttr"]').textContent(),
        lead: await row.locator('[data-figure="lead"]').textContent(),
        bars: await row.locator('svg.chart rect.chart-slot').count(),
      }).toEqual({
        application: entry.application,
        deployments: String(entry.deploymentFrequency.n),
        cfr: entry.changeFailureRate.text,
        ttr: entry.timeToRestore.text,
        lead: entry.leadTime.text,
        bars: api.periods.length,
      });
    }
    for (const entry of api.teams) {
      expect(await page.locator(`tr[data-team="${entry.team}"] [data-figure="deployments"]`).textContent()).toBe(
        String(entry.deploymentFrequency.n),
      );
    }

    // The hostile name is text in the table and in the link, and no script but the hub's own is on the page.
    expect(await page.locator('td.app', { hasText: HOSTILE }).count()).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'insights.png'), fullPage: true });

    // A team's link narrows the view to that team; the filters form keeps what was asked.
    await page.locator('tr[data-team="team-studadm"] a').click();
    await page.waitForURL(/team=team-studadm/);
    expect(await page.locator('tr[data-application]').count()).toBe(2);
    expect(await page.locator('input[name="team"]').inputValue()).toBe('team-studadm');

    // A bad parameter is a 400 page naming it, not an error.
    const bad = await page.goto(`${hub.url}/insights?interval=year`);
    expect(bad?.status()).toBe(400);
    expect(await page.locator('p.error').textContent()).toContain('interval');
    expect(problems.filter((text) => !text.includes('400'))).toEqual([]);
    await page.close();
  });
});
