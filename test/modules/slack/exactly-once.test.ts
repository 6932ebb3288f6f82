import { FakeSlack } from '../../fakes/slack.js';
import { aspenDeployment, aspenRecommendation } from '../../support/aspen.js';
import type { TestHub } from '../../support/hub.js';
import { eventView, finishedDelivery, put, quiesce, startSlackHub, TOKEN } from './helpers.js';

// Paced, a first try takes its channel's turn; with pacing off it queues its item already claimed, in one
// statement: both must keep a message to one post.
describe.each([
  ['paced', '5'],
  ['with pacing off', '0'],
])('exactly one Slack message per event and channel (%s)', (_label, paceMs) => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { SLACK_PACE_MS: paceMs } });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.close();
  });

  it('reads no history on first attempts, nor on a retry after Slack said no (a 429)', async () => {
    const ids = await Promise.all(
      ['1', '2', '3'].map((n) =>
        put(hub, 'deployment', aspenDeployment({ version: `first-${n}`, slackChannels: '#first-try' })),
      ),
    );
    for (const id of ids) expect(await finishedDelivery(hub, id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    await quiesce(hub);
    fake.rateLimitNext(1, 1, 'chat.postMessage');
    const limited = await put(hub, 'deployment', aspenDeployment({ version: 'limited', slackChannels: '#first-try' }));
    expect(await finishedDelivery(hub, limited)).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(fake.attempts('conversations.history')).toEqual([]);
    expect(fake.roots('#first-try')).toHaveLength(4);
  });

  it('adopts the message a lost answer hid instead of posting it twice', async () => {
    await quiesce(hub);
    // Slack takes the post, but the answer never arrives: the hub cannot know the message is there.
    fake.dropAnswerNext(1);
    const id = await put(hub, 'deployment', aspenDeployment({ version: 'lost-answer', slackChannels: '#lost-answer' }));
    const delivery = await finishedDelivery(hub, id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(delivery.lifecycle.find((step) => step.status === 'failed')!.detail).toMatchObject({
      code: 'HUB_ERR_UNREACHABLE',
    });

    // One message in the channel, carrying the event and delivery it was posted for.
    const roots = fake.roots('#lost-answer');
    expect(roots).toHaveLength(1);
    expect(roots[0]!.metadata).toMatchObject({
      event_type: 'alvares_delivery',
      event_payload: { eventId: id, deliveryId: delivery.id },
    });
    expect(fake.attempts('chat.postMessage').filter((call) => call.body.channel === '#lost-answer')).toHaveLength(1);

    // The retry looked in the channel (its id found with conversations.list: only the lost answer carried it), from before the first try.
    const lookups = fake
      .attempts('conversations.history')
      .filter((call) => call.body.channel === fake.channelId('#lost-answer'));
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.body).toMatchObject({ include_all_metadata: 'true' });
    const firstTry = Date.parse(delivery.lifecycle.find((step) => step.status === 'in_progress')!.at) / 1000;
    expect(Number(lookups[0]!.body.oldest)).toBeLessThanOrEqual(firstTry);
    expect(fake.attempts('conversations.list')).toHaveLength(1);

    // The adopted message is the thread: the hub knows its ts.
    const rows = await hub.hub.db.query<{ ts: string }>('select ts from slack_messages where event_id = $1', [id]);
    expect(rows.rows).toEqual([{ ts: roots[0]!.ts }]);
  });

  it('posts again when the lost post did not reach the channel after all', async () => {
    await quiesce(hub);
    // A channel the hub has posted to, so its id is known; then a post refused with a network-level failure.
    await finishedDelivery(
      hub,
      await put(hub, 'recommendation', aspenRecommendation({ message: 'first', slackChannels: '#not-there' })),
    );
    fake.failNextWithStatus(1, 502, 'chat.postMessage');
    const id = await put(
      hub,
      'recommendation',
      aspenRecommendation({ message: 'after a 502', slackChannels: '#not-there' }),
    );
    expect(await finishedDelivery(hub, id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    // A 502 may come from a gateway after Slack posted: the retry looked, found nothing, and posted.
    expect(
      fake.attempts('conversations.history').filter((call) => call.body.channel === fake.channelId('#not-there')),
    ).toHaveLength(1);
    expect(fake.roots('#not-there').map((message) => message.text)).toEqual([
      'Recommendation: first',
      'Recommendation: after a 502',
    ]);
  });
});

describe('SLACK_ALLOWED_CHANNELS', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, {
      env: { SLACK_CHANNELS: '#ops', SLACK_ALLOWED_CHANNELS: '#team-*,#deployments' },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await fake.close();
  });

  it('keeps a payload out of channels it does not allow, and says which on the delivery', async () => {
    const id = await put(
      hub,
      'deployment',
      aspenDeployment({ slackChannels: '#team-a,#general,#Random,#deployments' }),
    );
    await finishedDelivery(hub, id);
    // As anyone reading the event sees it; the deployment's channels in the original's (code point) order.
    const delivery = (await eventView(hub, id)).deliveries.find((candidate) => candidate.module === 'slack')!;
    expect(delivery.result).toEqual({
      notify: false,
      summary: 'posted to #ops, #deployments, #team-a; dropped #random, #general (not in SLACK_ALLOWED_CHANNELS)',
      details: {
        channels: ['#ops', '#deployments', '#team-a'],
        alreadyPosted: [],
        digested: [],
        dropped: ['#random', '#general'],
      },
    });
    expect(fake.roots('#general')).toEqual([]);
    expect(fake.roots('#random')).toEqual([]);
    expect(fake.roots('#team-a')).toHaveLength(1);
  });

  it('posts nothing when every channel named is dropped', async () => {
    const id = await put(
      hub,
      'recommendation',
      aspenRecommendation({ message: 'to everyone', slackChannels: '#general' }),
    );
    const delivery = await finishedDelivery(hub, id);
    expect(delivery).toMatchObject({
      status: 'succeeded',
      result: {
        summary: 'no channel to post to; dropped #general (not in SLACK_ALLOWED_CHANNELS)',
        details: { channels: [], dropped: ['#general'] },
      },
    });
    expect(fake.requests.filter((request) => JSON.stringify(request.body).includes('to everyone'))).toEqual([]);
  });
});
