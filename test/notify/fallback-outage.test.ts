import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { slackModule } from '../../modules/slack/index.js';
import { teamsModule } from '../../modules/teams/index.js';
import type { DeliveryView } from '../../src/store/delivery-views.js';
import { FakeSlack } from '../fakes/slack.js';
import { FakeTeams } from '../fakes/teams.js';
import { aspenDeployment, aspenError, HOSTS_ENV } from '../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../support/hub.js';

const ADMIN = 'fallback-admin-token-0123456789';
const TOKEN = 'xoxb-fallback-0000000000-secret';
const auth = { authorization: `Bearer ${ADMIN}` };

/**
 * Every event to the Slack channels it names (else #alerts), and to Teams when Slack cannot deliver it. Each
 * event below names a channel of its own: several roots waiting for one channel go out as one digest, and a
 * digest Slack answered 5xx to is looked up only after its claim's lease, which would make this test slow.
 */
const ROUTES = {
  routes: [
    {
      name: 'everything',
      match: {},
      to: [{ target: 'slack', addresses: 'payload', otherwise: ['#alerts'], fallback: 'teams' }],
    },
  ],
};

export function startFallbackHub(slack: FakeSlack, teams: FakeTeams): Promise<TestHub> {
  return startTestHub({
    env: {
      ...HOSTS_ENV,
      ADMIN_TOKEN: ADMIN,
      SLACK_TOKEN: TOKEN,
      SLACK_API_BASE_URL: slack.apiUrl,
      SLACK_PACE_MS: '5',
      TEAMS_WEBHOOK_URL: teams.webhookUrl,
      TEAMS_PACE_MS: '5',
      TEAMS_FOLLOW_UP_MS: '400',
      // Short retries, so an outage makes Slack's deliveries dead within a second or two.
      DELIVERY_MAX_ATTEMPTS_SLACK: '3',
      DELIVERY_BACKOFF_BASE_MS: '50',
      DELIVERY_BACKOFF_MAX_MS: '200',
      IDEMPOTENCY_WINDOW_SECONDS: '0',
      ERROR_STORM_WINDOW_SECONDS: '0',
    },
    modules: [databaseModule, slackModule, teamsModule],
  });
}

export async function deliveriesOf(hub: TestHub, eventId: string): Promise<DeliveryView[]> {
  const answer = await request(hub.url).get(`/api/v1/events/${eventId}`).expect(200);
  return answer.body.deliveries as DeliveryView[];
}

/** Slack messages and Teams cards that mention `marker`. */
export function mentions(slack: FakeSlack, teams: FakeTeams, marker: string): { slack: number; teams: number } {
  return {
    slack: slack.messages.filter((message) => JSON.stringify(message).includes(marker)).length,
    teams: teams.cardsWith(marker).length,
  };
}

describe('route fallback: a Slack outage goes out through Teams', () => {
  let slack: FakeSlack;
  let teams: FakeTeams;
  let hub: TestHub;

  beforeAll(async () => {
    slack = await FakeSlack.start({ token: TOKEN });
    teams = await FakeTeams.start();
    hub = await startFallbackHub(slack, teams);
    await request(hub.url).put('/api/v1/notify/routes').set(auth).send(ROUTES).expect(200);
  });
  afterAll(async () => {
    await hub?.stop();
    await teams?.close();
    await slack?.close();
  });

  it('sends every alert to Teams exactly once while Slack answers 503, and none twice after Slack returns', async () => {
    slack.failNextWithStatus(10_000, 503, 'chat.postMessage');
    const markers = ['fb-app-1', 'fb-app-2', 'fb-app-3', 'fb-app-4', 'fb-err-5', 'fb-err-6'];
    const ids: string[] = [];
    for (const marker of markers) {
      const answer = marker.startsWith('fb-app')
        ? await request(hub.url)
            .put('/api/v1/deployment')
            .send(aspenDeployment({ applicationName: marker, publicNameEnglish: marker, slackChannels: `#${marker}` }))
            .expect(200)
        : await request(hub.url)
            .put('/api/v1/error')
            .send(aspenError({ message: `${marker}: image not found`, slackChannels: `#${marker}` }))
            .expect(200);
      ids.push(answer.body.id as string);
    }

    // Each event: Slack's delivery dead after its attempts, one stand-in of Teams that succeeded.
    for (const id of ids) {
      const deliveries = await waitFor(
        async () => {
          const found = await deliveriesOf(hub, id);
          const standIn = found.find((delivery) => delivery.fallbackFor !== null);
          return standIn?.status === 'succeeded' ? found : null;
        },
        20_000,
        `the Teams stand-in of ${id}`,
      );
      const primary = deliveries.find((delivery) => delivery.module === 'slack')!;
      const standIns = deliveries.filter((delivery) => delivery.fallbackFor !== null);
      expect(primary.status).toBe('dead');
      expect(primary.attempts).toBe(3);
      expect(standIns).toHaveLength(1);
      expect(standIns[0]).toMatchObject({
        module: 'teams',
        fallbackFor: { deliveryId: primary.id, module: 'slack', reason: 'slack went dead' },
      });
      expect(primary.fellBackTo).toEqual([{ deliveryId: standIns[0]!.id, module: 'teams', reason: 'slack went dead' }]);
      expect(primary.lifecycle.map((step) => step.status)).toContain('fallback');
      // Alone, or in a digest when Teams' own rate limit held several stand-ins back at once.
      expect((standIns[0]!.result as { summary: string }).summary).toMatch(/^posted to webhook \(instead of slack\)/);
      // Teams' own delivery of the event: the routes send Teams nothing of its own.
      const own = deliveries.find((delivery) => delivery.module === 'teams' && delivery.fallbackFor === null)!;
      expect((own.result as { summary: string }).summary).toMatch(/^no .* to post to/);
    }
    await waitForQuiet(hub, { timeoutMs: 20_000 });
    for (const marker of markers)
      expect({ marker, ...mentions(slack, teams, marker) }).toEqual({ marker, slack: 0, teams: 1 });
    expect(slack.attempts('chat.postMessage').length).toBeGreaterThanOrEqual(markers.length * 3 - 3);

    // The event page tells the switch on both deliveries.
    const page = await request(hub.url).get(`/events/${ids[0]}`).expect(200);
    expect(page.text).toContain('Sent to <a href="#delivery-');
    expect(page.text).toMatch(/>teams<\/a> instead: slack went dead\./);
    expect(page.text).toMatch(/Fallback for <a href="#delivery-[0-9a-f-]+">slack<\/a>: slack went dead\./);
    expect(page.text).not.toContain('was off');

    // Slack returns. Nothing it missed is posted late (no digest picks the dead deliveries' messages up), and
    // Teams gets nothing twice; a new event goes to Slack alone.
    slack.recover();
    // A bulk replay of Slack's dead deliveries leaves out those whose message went to Teams.
    const bulk = await request(hub.url).post('/api/v1/modules/slack/replay').set(auth).expect(200);
    expect(bulk.body).toEqual({ module: 'slack', replayed: 0 });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const after = await request(hub.url)
      .put('/api/v1/deployment')
      .send(
        aspenDeployment({ applicationName: 'fb-app-after', publicNameEnglish: 'fb-app-after', slackChannels: null }),
      )
      .expect(200);
    await waitFor(() => mentions(slack, teams, 'fb-app-after').slack === 1, 10_000, 'the later post at Slack');
    await waitForQuiet(hub, { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const marker of markers)
      expect({ marker, ...mentions(slack, teams, marker) }).toEqual({ marker, slack: 0, teams: 1 });
    expect(mentions(slack, teams, 'fb-app-after')).toEqual({ slack: 1, teams: 0 });
    expect((await deliveriesOf(hub, after.body.id as string)).some((d) => d.fallbackFor !== null)).toBe(false);
  });

  it('a replay of a dead primary posts to Slack as asked, and never falls back a second time', async () => {
    slack.failNextWithStatus(3, 503, 'chat.postMessage');
    const id = (
      await request(hub.url)
        .put('/api/v1/deployment')
        .send(aspenDeployment({ applicationName: 'fb-replay', publicNameEnglish: 'fb-replay', slackChannels: null }))
        .expect(200)
    ).body.id as string;
    const primary = await waitFor(
      async () => {
        const found = await deliveriesOf(hub, id);
        return found.find((d) => d.fallbackFor !== null)?.status === 'succeeded'
          ? found.find((d) => d.module === 'slack' && d.fallbackFor === null)
          : null;
      },
      20_000,
      'the stand-in of the replayed event',
    );
    expect(primary.status).toBe('dead');

    // Dead again on replay: the stand-in exists, none is added.
    slack.failNextWithStatus(3, 503, 'chat.postMessage');
    await request(hub.url).post(`/api/v1/deliveries/${primary.id}/replay`).set(auth).expect(200);
    await waitFor(
      async () =>
        (await deliveriesOf(hub, id)).find((d) => d.id === primary.id && d.status === 'dead' && d.attempts === 6),
      20_000,
      'the replay to go dead',
    );
    // Then a replay that succeeds: Slack gets it (an operator asked), Teams keeps its one card.
    await request(hub.url).post(`/api/v1/deliveries/${primary.id}/replay`).set(auth).expect(200);
    await waitFor(
      async () => (await deliveriesOf(hub, id)).find((d) => d.id === primary.id && d.status === 'succeeded'),
      20_000,
      'the replay to succeed',
    );
    await waitForQuiet(hub, { timeoutMs: 20_000 });
    const deliveries = await deliveriesOf(hub, id);
    expect(deliveries.filter((d) => d.fallbackFor !== null)).toHaveLength(1);
    expect(deliveries.find((d) => d.id === primary.id)!.fellBackTo).toHaveLength(1);
    expect(mentions(slack, teams, 'fb-replay')).toEqual({ slack: 1, teams: 1 });
  });
});
