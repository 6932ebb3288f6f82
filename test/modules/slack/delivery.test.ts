import request from 'supertest';
import { FakeSlack } from '../../fakes/slack.js';
import { aspenDeployment, aspenError, aspenRecommendation } from '../../support/aspen.js';
import { waitFor, type TestHub } from '../../support/hub.js';
import { finishedDelivery, put, quiesce, startSlackHub, TOKEN } from './helpers.js';
import type { Json } from '../../support/json.js';

/** Every text a reader could see in a recorded postMessage body. */
function visibleTexts(body: Record<string, unknown>): string[] {
  const texts = [String(body.text)];
  for (const block of (body.blocks ?? []) as Array<Record<string, Json>>) {
    if (block.text?.text) texts.push(block.text.text);
    for (const field of block.fields ?? []) texts.push(field.text);
    for (const element of block.elements ?? []) texts.push(element.text);
  }
  return texts;
}

describe('Slack limits and failures', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { SLACK_CHANNELS: '#deployments' } });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.close();
  });

  it('retries a 429 after its Retry-After through the delivery engine, and the message arrives once', async () => {
    await quiesce(hub);
    fake.rateLimitNext(1, 1, 'chat.postMessage');
    const id = await put(
      hub,
      'recommendation',
      aspenRecommendation({ message: 'rate limited once', slackChannels: '#team-rate' }),
    );
    const delivery = await finishedDelivery(hub, id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2 });

    const failed = delivery.lifecycle.find((step) => step.status === 'failed')!;
    expect(failed.detail).toMatchObject({
      message: 'Slack rate-limited chat.postMessage to #team-rate; retry after 1 s',
      status: 429,
      code: 'HUB_ERR_RATE_LIMITED',
      reason: 'ratelimited',
      permanent: false,
    });
    const retryAt = Date.parse((failed.detail as { nextAttemptAt: string }).nextAttemptAt);
    expect(retryAt - Date.parse(failed.at)).toBeGreaterThanOrEqual(950);

    const attempts = fake.attempts('chat.postMessage').filter((call) => call.body.channel === '#team-rate');
    expect(attempts.map((call) => call.status)).toEqual([429, 200]);
    // The same message again, for the same event and delivery; each try has its own batch id.
    const withoutBatch = (body: Record<string, Json>) => ({
      ...body,
      metadata: { ...body.metadata, event_payload: { ...body.metadata.event_payload, batchId: null } },
    });
    expect(withoutBatch(attempts[0]!.body)).toEqual(withoutBatch(attempts[1]!.body));
    expect(attempts[1]!.body.metadata).toMatchObject({
      event_type: 'alvares_delivery',
      event_payload: { eventId: id, deliveryId: delivery.id },
    });
    expect(fake.roots('#team-rate').map((message) => message.text)).toEqual(['Recommendation: rate limited once']);
  });

  it("goes dead at once on channel_not_found, with Slack's reason on the delivery", async () => {
    fake.failChannel('#nowhere', 'channel_not_found');
    const id = await put(
      hub,
      'recommendation',
      aspenRecommendation({ message: 'to a missing channel', slackChannels: '#nowhere' }),
    );
    const delivery = await finishedDelivery(hub, id);
    expect(delivery).toMatchObject({ status: 'dead', attempts: 1 });
    expect(delivery.lastError).toEqual({
      message: 'Slack refused chat.postMessage to #nowhere: channel_not_found',
      code: 'HUB_ERR_UPSTREAM',
      reason: 'channel_not_found',
      permanent: true,
    });
    expect(fake.attempts('chat.postMessage').filter((call) => call.body.channel === '#nowhere')).toHaveLength(1);
  });

  it.each(['is_archived', 'not_authed', 'account_inactive', 'token_revoked', 'missing_scope'])(
    'goes dead at once on %s',
    async (reason) => {
      const channel = `#refused-${reason.replace(/_/g, '-')}`;
      fake.failChannel(channel, reason);
      const id = await put(
        hub,
        'recommendation',
        aspenRecommendation({ message: `refused with ${reason}`, slackChannels: channel }),
      );
      const delivery = await finishedDelivery(hub, id);
      const code = reason === 'is_archived' ? 'HUB_ERR_UPSTREAM' : 'HUB_ERR_UPSTREAM_AUTH';
      expect(delivery).toMatchObject({ status: 'dead', attempts: 1, lastError: { code, reason, permanent: true } });
    },
  );

  it('retries a 5xx and posts again only to the channels that failed', async () => {
    await quiesce(hub);
    fake.failNextWithStatus(1, 503, 'chat.postMessage');
    const id = await put(hub, 'deployment', aspenDeployment({ version: '5.0.3', slackChannels: '#team-a,#team-b' }));
    const delivery = await finishedDelivery(hub, id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(delivery.lifecycle.find((step) => step.status === 'failed')!.detail).toMatchObject({
      status: 503,
      code: 'HUB_ERR_UPSTREAM',
      reason: 'http_503',
      permanent: false,
    });
    expect((delivery.result as { details: { alreadyPosted: string[] } }).details.alreadyPosted).toHaveLength(2);

    const attempts = fake.attempts('chat.postMessage').filter((call) => JSON.stringify(call.body).includes(id));
    expect(attempts).toHaveLength(4);
    for (const channel of ['#deployments', '#team-a', '#team-b']) {
      expect(fake.roots(channel).filter((root) => JSON.stringify(root.blocks).includes(id))).toHaveLength(1);
    }
  });

  it('posts hostile names escaped: no ping, no link', async () => {
    const id = await put(
      hub,
      'deployment',
      aspenDeployment({
        version: '6.6.6',
        applicationName: 'evil<!channel>',
        publicNameEnglish: '<!channel> <https://evil.example|click me>',
        slackChannels: '#team-hostile',
      }),
    );
    await finishedDelivery(hub, id);
    const [post] = fake.calls('chat.postMessage').filter((call) => call.body.channel === '#team-hostile');
    const texts = visibleTexts(post!.body);
    for (const text of texts) expect(text).not.toMatch(/<!channel>|<https:\/\/evil/);
    expect(post!.body.text).toBe(
      '2 replica(s) of *&lt;!channel&gt; &lt;https://evil.example|click me&gt;* are being deployed in *active*',
    );
    expect(texts).toContain('*Application*\nevil&lt;!channel&gt;');
  });

  it("cuts a huge error to Slack's limits, visibly, and Slack accepts it", async () => {
    const id = await put(
      hub,
      'error',
      aspenError({
        message: `Boom ${'x'.repeat(9_990)}`,
        stackTrace: 'at handler (app.js:1:1)\n'.repeat(2_500),
        slackChannels: '#team-huge',
      }),
    );
    const delivery = await finishedDelivery(hub, id);
    expect(delivery.status).toBe('succeeded');
    const [post] = fake.calls('chat.postMessage').filter((call) => call.body.channel === '#team-huge');
    const [headline, stack] = post!.body.blocks as Array<{ text: { text: string } }>;
    expect(headline!.text.text).toHaveLength(3000);
    expect(headline!.text.text.endsWith('…(truncated)')).toBe(true);
    expect(stack!.text.text.length).toBeLessThanOrEqual(3000);
    expect(stack!.text.text.endsWith('\n```\n…(truncated)')).toBe(true);
    expect(String(post!.body.text)).toHaveLength(4000);
  });

  it('sends an error to its own channels with the exact payload, and one without channels to SLACK_CHANNELS', async () => {
    const id = await put(
      hub,
      'error',
      aspenError({ slackChannels: '#team-errors', applicationName: 'kth-azure-app', cluster: 'active' }),
    );
    const delivery = await finishedDelivery(hub, id);
    const [post] = fake.calls('chat.postMessage').filter((call) => call.body.channel === '#team-errors');
    expect(post!.body).toEqual({
      channel: '#team-errors',
      text: 'Error: Deployment of kth-azure-app failed: image not found',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*Deployment of kth-azure-app failed: image not found*' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '```\nTraceback (most recent call last):\n  File "deploy.py", line 12\n```' },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: `*Application:* kth-azure-app · *Cluster:* active · <${hub.hub.config.publicUrl}/api/v1/events/${id}|Event>`,
            },
          ],
        },
      ],
      unfurl_links: 'false',
      unfurl_media: 'false',
      // What a retry looks for in the channel before posting again.
      metadata: {
        event_type: 'alvares_delivery',
        event_payload: { eventId: id, deliveryId: delivery.id, batchId: expect.any(String) },
      },
    });

    const orphan = await put(hub, 'error', aspenError({ message: 'an error without channels', slackChannels: null }));
    await finishedDelivery(hub, orphan);
    const posts = fake.calls('chat.postMessage').filter((call) => JSON.stringify(call.body).includes(orphan));
    expect(posts.map((call) => call.body.channel)).toEqual(['#deployments']);
  });

  it('sends a recommendation to its own channels only, and skips one without channels', async () => {
    const id = await put(
      hub,
      'recommendation',
      aspenRecommendation({ message: 'nobody to tell', slackChannels: null }),
    );
    const delivery = await finishedDelivery(hub, id);
    expect(delivery).toMatchObject({
      status: 'succeeded',
      result: { notify: false, summary: 'no channel to post to' },
    });
    expect(fake.requests.filter((call) => JSON.stringify(call.body).includes(id))).toEqual([]);
  });
});

describe('a token Slack does not accept', () => {
  it('makes deliveries dead at once with invalid_auth, and the token appears nowhere', async () => {
    const fake = await FakeSlack.start({ token: TOKEN });
    const wrong = 'xoxb-wrong-1234567890-abcdef';
    const hub = await startSlackHub(fake, { env: { SLACK_TOKEN: wrong, SLACK_CHANNELS: '#deployments' } });
    try {
      const id = await put(hub, 'deployment', aspenDeployment());
      const delivery = await finishedDelivery(hub, id);
      expect(delivery).toMatchObject({
        status: 'dead',
        attempts: 1,
        lastError: { code: 'HUB_ERR_UPSTREAM_AUTH', reason: 'invalid_auth', permanent: true },
      });
      expect(fake.attempts('chat.postMessage').every((call) => call.headers.authorization === `Bearer ${wrong}`)).toBe(
        true,
      );
      const view = await request(hub.url).get(`/api/v1/events/${id}`).expect(200);
      expect(JSON.stringify(view.body)).not.toContain(wrong);
    } finally {
      await hub.stop();
      await fake.close();
    }
  });
});

describe('error storms', () => {
  it('posts the summary of a storm saying how many repeats were folded into it', async () => {
    const fake = await FakeSlack.start({ token: TOKEN });
    const hub = await startSlackHub(fake, { env: { ERROR_STORM_WINDOW_SECONDS: '1', SLACK_CHANNELS: '#deployments' } });
    try {
      const body = aspenError({ message: 'Disk full on node 7', slackChannels: '#team-storm' });
      const first = await put(hub, 'error', body);
      await put(hub, 'error', body);
      await put(hub, 'error', body);
      const summary = await waitFor(() =>
        fake
          .calls('chat.postMessage')
          .find((call) => call.body.channel === '#team-storm' && String(call.body.text).includes('repeated')),
      );
      const blocks = summary.body.blocks as Array<{ type: string; elements?: Array<{ text: string }> }>;
      expect(blocks[2]).toEqual({
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Repeated 2 more times within 1 min, folded into this message · <${hub.hub.config.publicUrl}/api/v1/events/${first}|first report>`,
          },
        ],
      });
      expect(fake.roots('#team-storm')).toHaveLength(2);
    } finally {
      await hub.stop();
      await fake.close();
    }
  });
});
