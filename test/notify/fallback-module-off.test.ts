import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { pagerdutyModule } from '../../modules/pagerduty/index.js';
import { slackModule } from '../../modules/slack/index.js';
import { teamsModule } from '../../modules/teams/index.js';
import type { DeliveryView } from '../../src/store/delivery-views.js';
import { FakePagerDuty } from '../fakes/pagerduty.js';
import { FakeSlack } from '../fakes/slack.js';
import { FakeTeams } from '../fakes/teams.js';
import { aspenDeployment, HOSTS_ENV } from '../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../support/hub.js';

const ADMIN = 'fallback-off-admin-token-0123456789';
const TOKEN = 'xoxb-fallback-off-0000000000-secret';
const PAGERDUTY_KEY = 'R0UT1NGKEY0123456789abcdefFALLBACK';
const auth = { authorization: `Bearer ${ADMIN}` };

const ROUTES = {
  routes: [
    {
      name: 'deployments',
      match: { kind: ['deployment'] },
      to: [{ target: 'slack', addresses: 'payload', otherwise: ['#deploys'], fallback: 'teams' }],
    },
  ],
};

describe('route fallback: a module that is off, and routes that name a bad fallback', () => {
  let slack: FakeSlack;
  let teams: FakeTeams;
  let pagerduty: FakePagerDuty;
  let hub: TestHub;

  beforeAll(async () => {
    slack = await FakeSlack.start({ token: TOKEN });
    teams = await FakeTeams.start();
    pagerduty = await FakePagerDuty.start(PAGERDUTY_KEY);
    hub = await startTestHub({
      env: {
        ...HOSTS_ENV,
        ADMIN_TOKEN: ADMIN,
        SLACK_TOKEN: TOKEN,
        SLACK_API_BASE_URL: slack.apiUrl,
        SLACK_PACE_MS: '5',
        TEAMS_WEBHOOK_URL: teams.webhookUrl,
        TEAMS_PACE_MS: '5',
        TEAMS_FOLLOW_UP_MS: '400',
        PAGERDUTY_ROUTING_KEY: PAGERDUTY_KEY,
        PAGERDUTY_EVENTS_URL: pagerduty.url,
        // A failed Slack post waits about 2 s for its retry: time to turn Slack off in between.
        DELIVERY_BACKOFF_BASE_MS: '3000',
        IDEMPOTENCY_WINDOW_SECONDS: '0',
        ERROR_STORM_WINDOW_SECONDS: '0',
      },
      modules: [databaseModule, slackModule, teamsModule, pagerdutyModule],
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await teams?.close();
    await pagerduty?.stop();
    await slack?.close();
  });

  // A test that turned Slack off and failed before turning it back on must not leave the next without it.
  afterEach(async () => {
    await request(hub.url).post('/api/v1/modules/slack/enable').set(auth).expect(200);
  });

  const deliveriesOf = async (id: string): Promise<DeliveryView[]> =>
    (await request(hub.url).get(`/api/v1/events/${id}`).expect(200)).body.deliveries as DeliveryView[];
  const deploy = async (name: string): Promise<string> =>
    (
      await request(hub.url)
        .put('/api/v1/deployment')
        .send(aspenDeployment({ applicationName: name, publicNameEnglish: name, slackChannels: `#${name}` }))
        .expect(200)
    ).body.id as string;
  const slackMentions = (marker: string) =>
    slack.messages.filter((message) => JSON.stringify(message).includes(marker)).length;

  it('refuses a fallback that names no target, the send’s own target or an on-call target, with 400 naming the path', async () => {
    const cases = [
      [{ target: 'slack', addresses: ['#a'], fallback: 'pager' }, 'no target "pager"'],
      [{ target: 'slack', addresses: ['#a'], fallback: 'slack' }, 'a send cannot fall back to its own target'],
      [
        { target: 'slack', addresses: ['#a'], fallback: 'pagerduty' },
        '"pagerduty" is an on-call target: it cannot stand in',
      ],
      [{ target: 'slack', addresses: ['#a'], fallback: '' }, null],
    ] as const;
    for (const [to, message] of cases) {
      const answer = await request(hub.url)
        .put('/api/v1/notify/routes')
        .set(auth)
        .send({ routes: [{ name: 'x', to: [to] }] })
        .expect(400);
      const fields = answer.body.error.fields as Array<{ field: string; message: string }>;
      expect(fields.map((field) => field.field)).toEqual(['routes.0.to.0.fallback']);
      if (message) expect(fields[0]!.message).toBe(message);
    }
    expect((await request(hub.url).get('/api/v1/notify/routes').expect(200)).body.source).toBe('default');
  });

  it('stores the fallback, reads it back, and explain shows it for each send', async () => {
    await request(hub.url).put('/api/v1/notify/routes').set(auth).send(ROUTES).expect(200);
    const stored = await request(hub.url).get('/api/v1/notify/routes').expect(200);
    expect(stored.body.routes[0].to[0].fallback).toBe('teams');
    const explained = await request(hub.url)
      .post('/api/v1/notify/test')
      .set(auth)
      .send({ type: 'deployment', payload: aspenDeployment({ slackChannels: '#team-a' }) })
      .expect(200);
    expect(explained.body.sends).toEqual([
      expect.objectContaining({ target: 'slack', address: '#team-a', route: 'deployments', fallback: 'teams' }),
    ]);
  });

  it('sends to the fallback once when the primary module is off as the event arrives, and nothing late after', async () => {
    await request(hub.url).post('/api/v1/modules/slack/disable').set(auth).expect(200);
    const id = await deploy('off-app');
    const own = await waitFor(
      async () => (await deliveriesOf(id)).find((d) => d.module === 'teams' && d.status === 'succeeded'),
      10_000,
      'the Teams delivery',
    );
    const deliveries = await deliveriesOf(id);
    expect(deliveries.map((d) => d.module)).not.toContain('slack');
    expect(deliveries.filter((d) => d.fallbackFor !== null)).toEqual([]);
    expect(own.result).toMatchObject({
      summary: 'posted to webhook (instead of slack)',
      details: { standingIn: ['slack'], channels: ['webhook'] },
    });
    expect(teams.cardsWith('off-app')).toHaveLength(1);
    const page = await request(hub.url).get(`/events/${id}`).expect(200);
    expect(page.text).toContain('Sent here instead of slack: slack was off when the event arrived.');

    await request(hub.url).post('/api/v1/modules/slack/enable').set(auth).expect(200);
    await waitForQuiet(hub, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(slackMentions('off-app')).toBe(0);
    expect(teams.cardsWith('off-app')).toHaveLength(1);

    // Slack back on: the next deployment goes to Slack, and Teams carries nothing of it.
    const next = await deploy('on-app');
    await waitFor(() => slackMentions('on-app') === 1, 10_000, 'the post at Slack');
    await waitForQuiet(hub, { timeoutMs: 10_000 });
    expect(teams.cardsWith('on-app')).toHaveLength(0);
    expect((await deliveriesOf(next)).some((d) => d.fallbackFor !== null)).toBe(false);
  });

  it('falls back when the primary module is turned off while its delivery waits for a retry', async () => {
    slack.failNextWithStatus(1, 503, 'chat.postMessage');
    const id = await deploy('later-off-app');
    await waitFor(
      async () => (await deliveriesOf(id)).find((d) => d.module === 'slack' && d.status === 'failed'),
      10_000,
      'the first failed Slack attempt',
    );
    await request(hub.url).post('/api/v1/modules/slack/disable').set(auth).expect(200);
    try {
      const standIn = await waitFor(
        async () => (await deliveriesOf(id)).find((d) => d.fallbackFor !== null && d.status === 'succeeded'),
        15_000,
        'the Teams stand-in',
      );
      const primary = (await deliveriesOf(id)).find((d) => d.module === 'slack')!;
      expect(primary.status).toBe('skipped');
      expect(standIn.fallbackFor).toEqual({ deliveryId: primary.id, module: 'slack', reason: 'slack was off' });
      expect(primary.fellBackTo).toEqual([{ deliveryId: standIn.id, module: 'teams', reason: 'slack was off' }]);
      expect(teams.cardsWith('later-off-app')).toHaveLength(1);
    } finally {
      await request(hub.url).post('/api/v1/modules/slack/enable').set(auth).expect(200);
    }
    await waitForQuiet(hub, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(slackMentions('later-off-app')).toBe(0);
    expect(teams.cardsWith('later-off-app')).toHaveLength(1);
  });
});
