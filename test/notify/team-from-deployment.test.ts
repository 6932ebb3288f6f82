import request from 'supertest';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment, aspenError, aspenRecommendation } from '../support/aspen.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { finishedDelivery, put, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN = 'notify-team-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };
const ROUTES = {
  routes: [
    {
      name: 'team-x',
      match: { kind: ['error', 'recommendation'], team: ['team-x'] },
      to: [{ target: 'slack', addresses: ['#team-x-alerts'] }],
    },
    {
      name: 'the rest',
      match: { kind: ['error', 'recommendation'] },
      to: [{ target: 'slack', addresses: ['#errors'] }],
    },
  ],
};

/** An error or recommendation that names no team is routed as its application's team, from its latest deployment. */
describe('routing by team for events without one', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { ADMIN_TOKEN: ADMIN } });
    await request(hub.url).put('/api/v1/notify/routes').set(auth).send(ROUTES).expect(200);
    await waitFor(
      async () => ((await request(hub.url).get('/api/v1/notify/routes')).body.source === 'stored' ? true : null),
      5_000,
      'the stored routes',
    );
    // The application was deployed by team-y in another cluster first, then by team-x in active.
    for (const [cluster, team] of [
      ['stage', 'team-y'],
      ['active', 'team-x'],
    ] as const) {
      const id = await put(hub, 'deployment', aspenDeployment({ applicationName: 'kth-owned-app', cluster, team }));
      await finishedDelivery(hub, id);
    }
  }, 60_000);
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  it("routes an error without a team as its application's latest deployment's team, in its cluster", async () => {
    const active = await put(
      hub,
      'error',
      aspenError({ applicationName: 'kth-owned-app', cluster: 'active', slackChannels: null }),
    );
    expect((await finishedDelivery(hub, active)).result).toMatchObject({
      summary: 'posted to #team-x-alerts',
      details: { routes: { '#team-x-alerts': 'team-x' } },
    });
    // In stage the latest deployment was team-y's: no team-x route.
    const stage = await put(
      hub,
      'error',
      aspenError({ applicationName: 'kth-owned-app', cluster: 'stage', slackChannels: null }),
    );
    expect((await finishedDelivery(hub, stage)).result).toMatchObject({ summary: 'posted to #errors' });
    // Never deployed: no team.
    const unknown = await put(hub, 'error', aspenError({ applicationName: 'never-deployed', slackChannels: null }));
    expect((await finishedDelivery(hub, unknown)).result).toMatchObject({ summary: 'posted to #errors' });
    expect(fake.roots('#team-x-alerts')).toHaveLength(1);
  });

  it('does the same for a recommendation, and explain says so', async () => {
    const id = await put(
      hub,
      'recommendation',
      aspenRecommendation({ applicationName: 'kth-owned-app', slackChannels: null }),
    );
    // No cluster: the latest deployment anywhere (team-x's, in active).
    expect((await finishedDelivery(hub, id)).result).toMatchObject({ summary: 'posted to #team-x-alerts' });
    const explained = await request(hub.url)
      .post('/api/v1/notify/test')
      .set(auth)
      .send({ type: 'error', payload: aspenError({ applicationName: 'kth-owned-app', slackChannels: null }) })
      .expect(200);
    expect(explained.body.routes[0]).toEqual({ name: 'team-x', matched: true, because: 'kind, team matched' });
    expect(explained.body.sends).toEqual([
      expect.objectContaining({ address: '#team-x-alerts', route: 'team-x', kind: 'error' }),
    ]);
  });
});
