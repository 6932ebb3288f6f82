import request from 'supertest';
import { databaseModule } from '../../../modules/database/index.js';
import { slackModule } from '../../../modules/slack/index.js';
import { FakeSlack } from '../../fakes/slack.js';
import { aspenDeployment, aspenRecommendation, HOSTS_ENV } from '../../support/aspen.js';
import { startTestHub, type TestHub } from '../../support/hub.js';
import { checkDeliveries, eventView, finishedDelivery, monitorModule, put } from './helpers.js';

describe('posting through the incoming webhook (no token)', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    hub = await startTestHub({
      env: {
        ...HOSTS_ENV,
        SLACK_WEB_HOOK: fake.webhookUrl,
        SLACK_CHANNELS: '#deployments',
        SLACK_PACE_MS: '5',
        IDEMPOTENCY_WINDOW_SECONDS: '0',
      },
      modules: [databaseModule, slackModule, monitorModule],
    });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.close();
  });

  it('posts the message as JSON to the webhook once per channel, and never calls the Web API', async () => {
    const id = await put(hub, 'deployment', aspenDeployment({ version: '7.0.0', slackChannels: '#team-hook' }));
    const delivery = await finishedDelivery(hub, id);
    expect(delivery).toMatchObject({ status: 'succeeded', result: { summary: 'posted to #deployments, #team-hook' } });

    // Channels are posted to side by side, so in no set order: compare them by channel.
    const posts = fake
      .webhookPosts()
      .filter((post) => JSON.stringify(post.body).includes(id))
      .sort((a, b) => String(a.body.channel).localeCompare(String(b.body.channel)));
    expect(posts.map((post) => post.body.channel)).toEqual(['#deployments', '#team-hook']);
    expect(posts[0]!.method).toBe('POST');
    expect(posts[0]!.path).toBe('/hooks/services/T000/B000/fakehooksecret');
    expect(posts[0]!.contentType).toBe('application/json');
    expect(Object.keys(posts[0]!.body).sort()).toEqual(['blocks', 'channel', 'text', 'unfurl_links', 'unfurl_media']);
    expect(posts[0]!.body).toMatchObject({
      text: '2 replica(s) of *Monitor application* are being deployed in *active*',
      unfurl_links: false,
      unfurl_media: false,
    });
    expect((posts[0]!.body.blocks as unknown[])[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '2 replica(s) of *Monitor application* are being deployed in *active*' },
    });
    expect((posts[0]!.body.blocks as unknown[]).length).toBe(3);
    expect(posts[1]!.body).toEqual({ ...posts[0]!.body, channel: '#team-hook' });
    expect(fake.requests.filter((request) => request.path.startsWith('/api/'))).toEqual([]);
  });

  it('has no thread for outcomes, and posts nothing for them', async () => {
    const id = await put(hub, 'deployment', aspenDeployment({ version: '7.0.1' }));
    await finishedDelivery(hub, id);
    const [check] = await checkDeliveries(hub, id, 1);
    expect(check).toMatchObject({
      status: 'succeeded',
      result: { notify: false, summary: 'no thread: posting through the incoming webhook' },
    });
    expect(fake.webhookPosts().filter((post) => JSON.stringify(post.body).includes('Monitoring https://x'))).toEqual(
      [],
    );
  });

  it("retries the webhook's 429 after its Retry-After and posts once", async () => {
    fake.failWebhookNext(1, 429, 'rate_limited', { 'retry-after': '1' });
    const id = await put(
      hub,
      'recommendation',
      aspenRecommendation({ message: 'hooked and limited', slackChannels: '#team-hook' }),
    );
    const delivery = await finishedDelivery(hub, id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(delivery.lifecycle.find((step) => step.status === 'failed')!.detail).toMatchObject({
      status: 429,
      code: 'HUB_ERR_RATE_LIMITED',
      reason: 'rate_limited',
      permanent: false,
    });
    const posts = fake.webhookPosts().filter((post) => post.body.text === 'Recommendation: hooked and limited');
    expect(posts.map((post) => post.status)).toEqual([429, 200]);
  });

  it('goes dead at once when the webhook refuses the channel', async () => {
    fake.failChannel('#gone', 'channel_not_found');
    const id = await put(
      hub,
      'recommendation',
      aspenRecommendation({ message: 'to a gone channel', slackChannels: '#gone' }),
    );
    const delivery = await finishedDelivery(hub, id);
    expect(delivery).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: {
        message: 'Slack webhook refused the message to #gone: channel_not_found',
        status: 404,
        code: 'HUB_ERR_UPSTREAM',
        reason: 'channel_not_found',
        permanent: true,
      },
    });
    // The webhook URL is a secret: it appears nowhere in what the hub shows.
    const view = await eventView(hub, id);
    expect(JSON.stringify(view)).not.toContain('fakehooksecret');
  });
});

describe('without a token or a webhook', () => {
  it('keeps the module off, says why, and creates no Slack deliveries', async () => {
    const hub = await startTestHub({ env: { ...HOSTS_ENV }, modules: [databaseModule, slackModule] });
    try {
      const modules = await request(hub.url).get('/api/v1/modules').expect(200);
      expect(modules.body.modules.find((module: { name: string }) => module.name === 'slack')).toEqual({
        name: 'slack',
        description: 'Slack messages, with one live thread per deployment',
        events: [
          'deployment',
          'error',
          'recommendation',
          'check.finished',
          'inspection',
          'insights.weekly',
          'silence.ended',
        ],
        configured: false,
        enabled: false,
        reason: 'neither SLACK_TOKEN nor SLACK_WEB_HOOK is set',
      });
      const id = await put(hub, 'deployment', aspenDeployment());
      await finishedDelivery(hub, id, 'database');
      expect((await eventView(hub, id)).deliveries.map((delivery) => delivery.module)).toEqual(['database']);
    } finally {
      await hub.stop();
    }
  });
});
