import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment } from '../support/aspen.js';
import { launchChromium, watchedPage } from '../support/browser.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN = 'config-replicas-admin-0123456789';

const routesTo = (channel: string) => `routes:
  - name: deployments
    match: { kind: [deployment] }
    to: [{ target: slack, addresses: ["${channel}"] }]
`;

describe('replicas each reading their own configuration file, on the status page in Chromium', () => {
  let browser: Browser;
  let fake: FakeSlack;
  let first: TestHub;
  let second: TestHub;
  let dir: string;
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    fake = await FakeSlack.start({ token: TOKEN });
    dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-config-replicas-'));
    await writeFile(path.join(dir, 'one.yaml'), routesTo('#one'));
    await writeFile(path.join(dir, 'two.yaml'), routesTo('#two'));
    const env = (file: string) => ({
      ADMIN_TOKEN: ADMIN,
      SLACK_CHANNELS: '#deployments',
      ALVARES_CONFIG: path.join(dir, file),
    });
    first = await startSlackHub(fake, { env: env('one.yaml') });
    second = await startSlackHub(fake, { env: env('two.yaml'), databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await browser?.close();
    await second?.stop();
    await first?.stop();
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists each replica’s configuration hash and marks the replicas that differ', async () => {
    const page = await watchedPage(browser, problems);
    await waitFor(
      async () => {
        await page.goto(`${first.url}/`);
        return (
          (await page.locator('#replicas td.config-hash').allInnerTexts()).filter((text) => text.includes('differs'))
            .length === 2
        );
      },
      15_000,
      'both replicas marked as differing',
    );
    const hashes = await page.locator('#replicas td.config-hash code').allInnerTexts();
    expect(hashes).toHaveLength(2);
    expect(hashes[0]).not.toBe(hashes[1]);
    expect(await page.locator('body').innerText()).toContain('replicas run different configuration files (2 hashes)');

    // The same file on both: nothing differs any more.
    await writeFile(path.join(dir, 'two.yaml'), routesTo('#one'));
    await request(second.url)
      .post('/api/v1/admin/config/reload')
      .set({ authorization: `Bearer ${ADMIN}` })
      .expect(200);
    await waitFor(
      async () => {
        await page.goto(`${first.url}/`);
        const cells = await page.locator('#replicas td.config-hash').allInnerTexts();
        return cells.length === 2 && cells.every((text) => !text.includes('differs'));
      },
      15_000,
      'the replicas agreeing',
    );
    expect(await page.locator('body').innerText()).not.toContain('different configuration files');
    await page.close();
  });

  it('shows a reload that failed in the problem summary, the last good configuration staying', async () => {
    await writeFile(
      path.join(dir, 'one.yaml'),
      'routes: [{ name: broken, to: [{ target: nowhere, addresses: ["#x"] }] }]\n',
    );
    const page = await watchedPage(browser, problems);
    await waitFor(
      async () => {
        await page.goto(`${second.url}/`);
        return (await page.locator('body').innerText()).includes('configuration file not reloaded');
      },
      15_000,
      'the failed reload on the page',
    );
    const summary = await page.locator('body').innerText();
    expect(summary).toContain('the last good one stays');
    expect(summary).toContain('one.yaml:1:');
    expect(summary).toContain('nowhere');
    const row = page.locator('#replicas tr', { hasText: 'reload failed' });
    expect(await row.count()).toBe(1);
    // Still routed as the last good file said.
    const answer = await request(first.url)
      .post('/api/v1/notify/test')
      .set({ authorization: `Bearer ${ADMIN}` })
      .send({ type: 'deployment', payload: aspenDeployment({ slackChannels: null }) });
    expect(answer.status).toBe(200);
    expect((answer.body as { sends: Array<{ address: string }> }).sends.map((send) => send.address)).toEqual(['#one']);
    expect(problems).toEqual([]);
    await page.close();
  });
});
