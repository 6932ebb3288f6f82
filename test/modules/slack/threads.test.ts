import { defineModule } from '../../../src/module-system/contract.js';
import { DeliveryError } from '../../../src/errors.js';
import { FakeSlack, type FakeMessage } from '../../fakes/slack.js';
import { aspenDeployment, aspenError } from '../../support/aspen.js';
import { createTestDatabase } from '../../support/database.js';
import { waitFor, type TestHub } from '../../support/hub.js';
import {
  brokenScannerModule,
  checkDeliveries,
  eventView,
  finishedDelivery,
  monitorModule,
  put,
  quiesce,
  startSlackHub,
  TOKEN,
} from './helpers.js';

const statusBlock = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

describe('one thread per deployment and channel', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, {
      env: { SLACK_CHANNELS: 'deployments' },
      extra: [monitorModule, brokenScannerModule],
    });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.close();
  });

  it("posts one root to each channel: SLACK_CHANNELS, then the deployment's own in the original's (sorted) order", async () => {
    const id = await put(hub, 'deployment', aspenDeployment({ version: '1.0.0' }));
    const delivery = await finishedDelivery(hub, id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(delivery.result).toEqual({
      notify: false,
      summary: 'posted to #deployments, #developers, #team-studadm',
      details: {
        channels: ['#deployments', '#developers', '#team-studadm'],
        alreadyPosted: [],
        digested: [],
        dropped: [],
      },
    });

    // Channels are posted to side by side, so in no particular order.
    const order = ['#deployments', '#developers', '#team-studadm'];
    const posts = fake
      .calls('chat.postMessage')
      .filter((call) => JSON.stringify(call.body).includes(id) && !call.body.thread_ts)
      .sort((a, b) => order.indexOf(String(a.body.channel)) - order.indexOf(String(b.body.channel)));
    expect(posts.map((post) => post.body.channel)).toEqual(order);
    const eventLink = `<${hub.hub.config.publicUrl}/api/v1/events/${id}|Event>`;
    expect(posts[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(posts[0]!.contentType).toBe('application/x-www-form-urlencoded');
    expect(posts[0]!.body).toEqual({
      channel: '#deployments',
      text: '2 replica(s) of *Monitor application* are being deployed in *active*',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '2 replica(s) of *Monitor application* are being deployed in *active*' },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Application*\nkth-azure-app' },
            { type: 'mrkdwn', text: '*Version*\n1.0.0' },
            { type: 'mrkdwn', text: '*Image*\nkth-azure-app:1.0.0' },
            { type: 'mrkdwn', text: '*Team*\nteam-studadm' },
            { type: 'mrkdwn', text: '*Importance*\nhigh' },
          ],
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: [
                '<https://app.example.test/kth-azure-app|Application>',
                '<https://app.example.test/kth-azure-app/_monitor|Monitor>',
                '<https://graylog.example.test/search?rangetype=relative&amp;fields=message%2Csource&amp;width=2560&amp;highlightMessage=&amp;relative=3600&amp;q=source%3Aactive+AND+image_name%3A/.%2Akth-azure-app%3A1.0.0.%2A/|Logs>',
                `<${hub.hub.config.publicUrl}/api/v1/deployments?applicationName=kth-azure-app&amp;cluster=active|History>`,
                eventLink,
              ].join(' · '),
            },
          ],
        },
      ],
      unfurl_links: 'false',
      unfurl_media: 'false',
      metadata: {
        event_type: 'alvares_delivery',
        event_payload: { eventId: id, deliveryId: delivery.id, batchId: expect.any(String) },
      },
    });
    for (const post of posts.slice(1)) {
      expect({ ...post.body, channel: '#deployments', metadata: null }).toEqual({ ...posts[0]!.body, metadata: null });
    }
  });

  it("replies under each root when other modules' checks finish, and keeps each root's status line current", async () => {
    const id = await put(hub, 'deployment', aspenDeployment({ version: '1.0.1' }));
    await finishedDelivery(hub, id);
    const checks = await checkDeliveries(hub, id, 2);
    expect(checks.map((check) => check.status)).toEqual(['succeeded', 'succeeded']);

    const roots = ['#deployments', '#team-studadm', '#developers'].map((channel) => {
      const matching = fake
        .roots(channel)
        .filter((root) => root.text.includes('*Monitor application*') && JSON.stringify(root.blocks).includes(id));
      expect(matching).toHaveLength(1);
      return matching[0]!;
    });
    const finalLine = await waitFor(() => {
      const lines = roots.map((root) => lastStatus(root));
      return lines.every((line) => line?.includes('test-monitor') && line.includes('test-scanner')) ? lines : null;
    });

    for (const root of roots) {
      const replies = fake
        .replies(root)
        .map((reply) => reply.text)
        .sort();
      expect(replies).toEqual([
        '⚠️ test-scanner failed after 1 attempt: scanner key &lt;revoked&gt;',
        '✅ test-monitor: Monitoring https://x',
      ]);
      // Replies and updates address the thread by Slack's channel id, which chat.update requires.
      expect(root.channelId).toMatch(/^C\d{8}$/);
    }
    const statuses = new Set(finalLine);
    expect(statuses.size).toBe(1);
    expect([...statuses][0]).toMatch(
      /^\*Status:\* (✅ test-monitor · ⚠️ test-scanner failed|⚠️ test-scanner failed · ✅ test-monitor)$/,
    );

    const updates = fake
      .calls('chat.update')
      .filter((call) => roots.some((root) => root.ts === call.body.ts && root.channelId === call.body.channel));
    expect(updates.length).toBeGreaterThanOrEqual(6);
    const lastUpdate = updates.at(-1)!;
    const root = roots.find((candidate) => candidate.ts === lastUpdate.body.ts)!;
    const posted = fake.calls('chat.postMessage').find((call) => (call.answer as { ts: string }).ts === root.ts)!;
    // The update is the root exactly as first posted plus the status line: nothing else changes.
    expect(lastUpdate.body.text).toBe(posted.body.text);
    expect(lastUpdate.body.blocks).toEqual([...(posted.body.blocks as unknown[]), statusBlock(lastStatus(root)!)]);
  });
});

describe('outcomes that need no thread or arrive twice', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  const errorWatcher = defineModule({
    name: 'test-error-watcher',
    description: 'test module that reports on errors',
    events: ['error'],
    create: () => ({
      handlers: { error: () => ({ summary: 'Seen the error' }) },
    }),
  });

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, {
      env: { SLACK_CHANNEL_OVERRIDE: 'alvares-test' },
      extra: [monitorModule, errorWatcher],
    });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.close();
  });

  it('sends everything to the override channel alone', async () => {
    const id = await put(hub, 'deployment', aspenDeployment({ version: '2.0.0' }));
    const delivery = await finishedDelivery(hub, id);
    expect(delivery.result).toMatchObject({ summary: 'posted to #alvares-test' });
    const roots = fake
      .calls('chat.postMessage')
      .filter((call) => !call.body.thread_ts && JSON.stringify(call.body).includes(id));
    expect(roots.map((root) => root.body.channel)).toEqual(['#alvares-test']);
  });

  it('answers "no thread" for a check on an error, without calling Slack for it', async () => {
    const id = await put(hub, 'error', aspenError({ message: 'checked error' }));
    await finishedDelivery(hub, id);
    const [check] = await checkDeliveries(hub, id, 1);
    expect(check).toMatchObject({ status: 'succeeded', attempts: 1, result: { notify: false, summary: 'no thread' } });
    // The error itself was posted once; the outcome on it went nowhere.
    expect(fake.requests.filter((request) => JSON.stringify(request.body).includes('checked error'))).toHaveLength(1);
    expect(fake.requests.filter((request) => JSON.stringify(request.body).includes('Seen the error'))).toEqual([]);
  });

  it('does not post a reply twice when its delivery is retried after a failed root update', async () => {
    await quiesce(hub);
    fake.failNextWithStatus(1, 503, 'chat.update');
    const id = await put(hub, 'deployment', aspenDeployment({ version: '2.0.1' }));
    await finishedDelivery(hub, id);
    const [check] = await checkDeliveries(hub, id, 1);
    expect(check).toMatchObject({ status: 'succeeded', result: { summary: 'replied in 1 thread' } });
    expect(check!.attempts).toBeGreaterThanOrEqual(2);
    expect(check!.lifecycle.map((step) => step.detail)).toContainEqual(
      expect.objectContaining({ code: 'HUB_ERR_UPSTREAM', reason: 'http_503', status: 503 }),
    );

    const root = fake.roots('#alvares-test').find((candidate) => JSON.stringify(candidate.blocks).includes(id))!;
    expect(fake.replies(root).map((reply) => reply.text)).toEqual(['✅ test-monitor: Monitoring https://x']);
    expect(lastStatus(root)).toBe('*Status:* ✅ test-monitor');
  });

  it('keeps the reply when the root can no longer be edited', async () => {
    await quiesce(hub);
    fake.refuseNext(1, 'message_not_found', 'chat.update');
    const id = await put(hub, 'deployment', aspenDeployment({ version: '2.0.2' }));
    await finishedDelivery(hub, id);
    const [check] = await checkDeliveries(hub, id, 1);
    expect(check).toMatchObject({ status: 'succeeded', attempts: 1, result: { summary: 'replied in 1 thread' } });
    const root = fake.roots('#alvares-test').find((candidate) => JSON.stringify(candidate.blocks).includes(id))!;
    expect(fake.replies(root).map((reply) => reply.text)).toEqual(['✅ test-monitor: Monitoring https://x']);
    expect(root.edits).toEqual([]);
  });
});

describe('threads kept in PostgreSQL', () => {
  it('lets a restarted hub reply under the root its predecessor posted', async () => {
    const fake = await FakeSlack.start({ token: TOKEN });
    const database = await createTestDatabase();
    // Reports on its second attempt only, so the outcome arrives after the first hub is gone.
    const lateMonitor = defineModule({
      name: 'test-late-monitor',
      description: 'test module that succeeds on its retry',
      events: ['deployment'],
      create: () => ({
        handlers: {
          deployment: (_event, delivery) => {
            if (delivery.attempt === 1) throw new DeliveryError('not yet', { retryAfterMs: 1500 });
            return { summary: 'Monitoring after restart' };
          },
        },
      }),
    });
    const options = { env: { SLACK_CHANNEL_OVERRIDE: '#restarts' }, extra: [lateMonitor], databaseUrl: database.url };
    let second: TestHub | null = null;
    try {
      const first = await startSlackHub(fake, options);
      const id = await put(first, 'deployment', aspenDeployment({ version: '3.0.0' }));
      await finishedDelivery(first, id);
      await waitFor(
        async () =>
          (await eventView(first, id)).deliveries.find((d) => d.module === 'test-late-monitor')?.status === 'failed',
      );
      await first.stop();

      second = await startSlackHub(fake, options);
      const [check] = await checkDeliveries(second, id, 1, 15_000);
      expect(check).toMatchObject({ status: 'succeeded', result: { summary: 'replied in 1 thread' } });
      const [root] = fake.roots('#restarts');
      expect(fake.roots('#restarts')).toHaveLength(1);
      expect(fake.replies(root!).map((reply) => reply.text)).toEqual([
        '✅ test-late-monitor: Monitoring after restart',
      ]);
      expect(lastStatus(root!)).toBe('*Status:* ✅ test-late-monitor');
    } finally {
      await second?.stop();
      await database.drop();
      await fake.close();
    }
  });
});

/** The status line on a root's latest edit, if it has been edited. */
function lastStatus(root: FakeMessage): string | null {
  const last = root.edits.at(-1)?.blocks.at(-1) as { type?: string; elements?: Array<{ text: string }> } | undefined;
  return last?.type === 'context' && last.elements?.[0]?.text.startsWith('*Status:*') ? last.elements[0].text : null;
}
