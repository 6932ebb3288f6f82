import request from 'supertest';
import { FakeSlack, type FakeMessage } from '../../fakes/slack.js';
import { aspenDeployment } from '../../support/aspen.js';
import { waitFor, waitForQuiet, type TestHub } from '../../support/hub.js';
import { eventView, monitorModule, startSlackHub, TOKEN } from './helpers.js';

/** Slack's chat.postMessage limit per channel: a burst of 3, then one a second. The fake enforces it. */
const SLACK_LIMIT = { burst: 3, intervalMs: 1000 };

function textOf(message: FakeMessage): string {
  return JSON.stringify(message.blocks);
}

async function putDeployment(
  hub: TestHub,
  applicationName: string,
  slackChannels: string,
): Promise<{ id: string; acceptedAt: number }> {
  const answer = await request(hub.url)
    .put('/api/v1/deployment')
    .send(
      aspenDeployment({
        applicationName,
        imageName: applicationName,
        applicationPath: `/${applicationName}`,
        version: `1.0.${applicationName.length}`,
        slackChannels,
      }),
    )
    .expect(200);
  return { id: answer.body.id as string, acceptedAt: Date.now() };
}

describe("a flood of deployments to one channel, under Slack's real limit", () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN, rateLimit: SLACK_LIMIT });
    hub = await startSlackHub(fake, { env: { SLACK_PACE_MS: '1000', SLACK_BURST: '3' } });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.close();
  });

  it('holds up no other channel, names every flooded application in digests, and stays within the limit', async () => {
    const count = 300;
    const names = Array.from({ length: count }, (_, i) => `flood-app-${String(i).padStart(3, '0')}`);
    const started = Date.now();
    const accepted: Array<{ id: string; acceptedAt: number }> = [];
    let quiet: { id: string; acceptedAt: number } | null = null;
    // 300 deployments over 10 s, in batches every 100 ms; the quiet channel's one deployment 3 s in.
    const flood = (async () => {
      for (let batch = 0; batch < 100; batch += 1) {
        const due = started + batch * 100;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        accepted.push(
          ...(await Promise.all(
            names.slice(batch * 3, batch * 3 + 3).map((name) => putDeployment(hub, name, '#flood')),
          )),
        );
      }
    })();
    const quietPut = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      quiet = await putDeployment(hub, 'quiet-app', '#quiet');
    })();
    await Promise.all([flood, quietPut]);
    const lastAcceptedAt = Math.max(...accepted.map((entry) => entry.acceptedAt));

    // The quiet channel heard of its deployment at once, whatever #flood's backlog.
    const quietPost = await waitFor(
      () => fake.roots('#quiet').find((message) => textOf(message).includes('quiet-app')),
      10_000,
      '#quiet posted',
    );
    const quietPostedAt = fake
      .calls('chat.postMessage')
      .find((call) => (call.answer as { ts?: string }).ts === quietPost.ts)!.at;
    const quietDelayMs = quietPostedAt - quiet!.acceptedAt;
    // The issue asks for 3 s; measured here 50-500 ms on a shared machine.
    expect(quietDelayMs).toBeLessThan(3000);

    // Every flooded application is named in #flood, within 90 s of the last 200.
    const unnamed = () => {
      const text = fake.roots('#flood').map(textOf).join('\n');
      return names.filter((name) => !text.includes(name));
    };
    await waitFor(
      () => unnamed().length === 0,
      90_000 - (Date.now() - lastAcceptedAt),
      'every flooded application named',
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${unnamed().length} not named, e.g. ${unnamed().slice(0, 5).join(', ')}`);
    });
    const allNamedMs = Date.now() - lastAcceptedAt;

    // Each named exactly once; the flood went out as digests saying how many they carry.
    const roots = fake.roots('#flood');
    for (const name of names) expect(roots.filter((message) => textOf(message).includes(name))).toHaveLength(1);
    const digests = roots.filter((message) => / deployments in the last (minute|\d+ minutes)$/.test(message.text));
    expect(digests.length).toBeGreaterThan(0);
    expect(roots.length).toBeLessThan(40);
    const rateLimited = fake.rateLimited().length;
    expect(rateLimited).toBeLessThanOrEqual(10);

    // Nothing lost: every delivery ends succeeded, none dead.
    await waitForQuiet(hub, { timeoutMs: 60_000 });
    const statuses = await hub.hub.db.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from deliveries where module = 'slack' and event_id = any($1::uuid[]) group by status`,
      [accepted.map((entry) => entry.id)],
    );
    expect(statuses.rows).toEqual([{ status: 'succeeded', n: count }]);
    // A waiting delivery is deferred, using no attempt; only a 429 (Slack's word, shown on the delivery) costs one.
    const retried = await hub.hub.db.query<{ codes: string[] }>(
      `select (select array_agg(l.detail->>'code') from delivery_log l where l.delivery_id = d.id and l.status = 'failed') as codes
       from deliveries d where module = 'slack' and event_id = any($1::uuid[]) and attempts > 1`,
      [accepted.map((entry) => entry.id)],
    );
    expect(retried.rows.length).toBeLessThanOrEqual(rateLimited);
    for (const row of retried.rows) expect(new Set(row.codes)).toEqual(new Set(['HUB_ERR_RATE_LIMITED']));
    process.stdout.write(
      `flood: #quiet posted ${quietDelayMs} ms after its 200; all ${count} named ${allNamedMs} ms after the last 200 ` +
        `(${Date.now() - started} ms after the first); ${roots.length} posts in #flood (${digests.length} digests); ${rateLimited} answers of 429\n`,
    );
  }, 180_000);
});

describe("a digest's thread", () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN, rateLimit: { burst: 2, intervalMs: 500 } });
    hub = await startSlackHub(fake, {
      env: { SLACK_PACE_MS: '500', SLACK_BURST: '2', SLACK_DIGEST_AFTER: '3' },
      extra: [monitorModule],
    });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.close();
  });

  it("replies every digested deployment's outcome in the digest's thread, naming the application", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `thread-app-${String(i).padStart(2, '0')}`);
    const ids = await Promise.all(names.map((name) => putDeployment(hub, name, '#digest-thread')));
    await waitForQuiet(hub, { timeoutMs: 60_000 });

    const roots = fake.roots('#digest-thread');
    const digests = roots.filter((message) => /^\d+ deployments in the last minute$/.test(message.text));
    expect(digests.length).toBeGreaterThan(0);
    for (const name of names) expect(roots.filter((message) => textOf(message).includes(name))).toHaveLength(1);

    for (const digest of digests) {
      const inDigest = names.filter((name) => textOf(digest).includes(name));
      expect(digest.text).toBe(`${inDigest.length} deployments in the last minute`);
      const replies = fake.replies(digest).map(textOf).join('\n');
      // Each outcome once, naming its application; several waiting replies may share one message.
      for (const name of inDigest)
        expect(replies.split(`*${name}*: ✅ test-monitor: Monitoring https://x`)).toHaveLength(2);
      // A digest is everyone's root: it is never edited into one deployment's status line.
      expect(digest.edits).toEqual([]);
    }
    // The digested deployments' results say where they went.
    for (const { id } of ids) {
      const delivery = (await eventView(hub, id)).deliveries.find((candidate) => candidate.module === 'slack')!;
      expect(delivery.status).toBe('succeeded');
      const digested = (delivery.result as { details: { digested: string[] } }).details.digested;
      const root = roots.find((message) => textOf(message).includes(id))!;
      expect(digested).toEqual(digests.includes(root) ? ['#digest-thread'] : []);
    }
  }, 90_000);
});
