import request, { type Response } from 'supertest';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment, aspenError } from '../support/aspen.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { finishedDelivery, put, quiesce, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

/** The notify answers' fields the assertions read. */
interface Answer {
  targets: unknown[];
  source: 'default' | 'stored';
  routes: unknown[];
  sends: Array<{
    target: string;
    address: string;
    kind: string;
    route: string;
    text: string;
    silencedBy: string | null;
  }>;
  error: { fields?: Array<{ field: string }> };
}
const body = (answer: Response): Answer => answer.body as Answer;

const ADMIN = 'notify-routes-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };

const ROUTES = {
  routes: [
    {
      name: 'team-x errors',
      match: { kind: ['error'], team: ['team-x'] },
      to: [{ target: 'slack', addresses: ['#team-x-alerts'] }],
    },
    {
      name: 'kth deployments',
      match: { kind: ['deployment', 'removal'], application: ['~^kth-'], cluster: ['active'] },
      to: [
        { target: 'slack', addresses: ['#kth-deploys'] },
        { target: 'slack', addresses: 'payload' },
      ],
    },
    {
      name: 'every other error',
      match: { kind: ['error'] },
      to: [{ target: 'slack', addresses: 'payload', otherwise: ['#errors'] }],
    },
  ],
};

describe('notification routes over HTTP, on two replicas', () => {
  let fake: FakeSlack;
  let first: TestHub;
  let second: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    const env = { SLACK_CHANNELS: '#deployments', ADMIN_TOKEN: ADMIN };
    first = await startSlackHub(fake, { env });
    second = await startSlackHub(fake, { env, databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await fake?.close();
  });

  it("lists the targets without secrets, and shows the default routes (today's rules) as the source", async () => {
    const targets = await request(first.url).get('/api/v1/notify/targets').expect(200);
    expect(body(targets).targets).toEqual([
      {
        name: 'slack',
        provider: 'slack',
        origin: 'env',
        capabilities: { threads: true, edits: true, lookup: true, rateLimit: { intervalMs: 5, burst: 3 } },
      },
    ]);
    expect(JSON.stringify(body(targets))).not.toContain(TOKEN);
    const routes = await request(first.url).get('/api/v1/notify/routes').expect(200);
    expect(body(routes).source).toBe('default');
    expect(body(routes).routes[0]).toEqual({
      name: 'deployments',
      match: { kind: ['deployment', 'removal'] },
      to: [
        { target: 'slack', addresses: ['#deployments'] },
        { target: 'slack', addresses: 'payload' },
      ],
      continue: false,
    });
  });

  it('refuses bad routes with 400 naming the path, and stores nothing', async () => {
    const bad = [
      [{ name: 'x', to: [{ target: 'teams', addresses: ['#a'] }] }, 'routes.0.to.0.target'],
      [
        { name: 'x', match: { application: ['~(unclosed'] }, to: [{ target: 'slack', addresses: ['#a'] }] },
        'routes.0.match.application.0',
      ],
      [
        { name: 'x', match: { application: ['~^(a+)+$'] }, to: [{ target: 'slack', addresses: ['#a'] }] },
        'routes.0.match.application.0',
      ],
      [
        { name: 'x', match: { kind: ['party'] }, to: [{ target: 'slack', addresses: ['#a'] }] },
        'routes.0.match.kind.0',
      ],
      [{ name: 'x', match: { colour: ['red'] }, to: [{ target: 'slack', addresses: ['#a'] }] }, 'routes.0.match'],
    ] as const;
    for (const [route, path] of bad) {
      const answer = await request(first.url)
        .put('/api/v1/notify/routes')
        .set(auth)
        .send({ routes: [route] });
      expect({
        status: answer.status,
        fields: body(answer).error.fields?.map((d) => d.field),
      }).toEqual({
        status: 400,
        fields: [path],
      });
    }
    await request(first.url).put('/api/v1/notify/routes').send(ROUTES).expect(401);
    expect(body(await request(first.url).get('/api/v1/notify/routes').expect(200)).source).toBe('default');
  });

  it('routes by team, application (regex), cluster and kind on every replica, and names the route per send', async () => {
    await request(first.url).put('/api/v1/notify/routes').set(auth).send(ROUTES).expect(200);
    // The other replica reads the change within seconds, without a restart.
    await waitFor(
      async () => body(await request(second.url).get('/api/v1/notify/routes')).source === 'stored',
      5_000,
      'the second replica to see the stored routes',
    );

    const id = await put(second, 'deployment', aspenDeployment({ slackChannels: '#team-studadm' }));
    const delivery = await finishedDelivery(second, id);
    expect(delivery.result).toMatchObject({
      summary: 'posted to #kth-deploys, #team-studadm',
      details: { routes: { '#kth-deploys': 'kth deployments', '#team-studadm': 'kth deployments' } },
    });
    expect(fake.roots('#kth-deploys')).toHaveLength(1);
    expect(fake.roots('#deployments')).toHaveLength(0);

    // No route matches a deployment outside kth-: it goes nowhere.
    const other = await put(first, 'deployment', aspenDeployment({ applicationName: 'other-app' }));
    expect((await finishedDelivery(first, other)).result).toMatchObject({ summary: 'no channel to post to' });

    // An error without channels falls to "otherwise".
    const error = await put(first, 'error', aspenError({ slackChannels: null }));
    expect((await finishedDelivery(first, error)).result).toMatchObject({ summary: 'posted to #errors' });
  });

  it('explains where an event would go, and why, sending nothing', async () => {
    await quiesce(first);
    const before = fake.calls('chat.postMessage').length;
    const answer = await request(first.url)
      .post('/api/v1/notify/test')
      .set(auth)
      .send({ type: 'deployment', payload: aspenDeployment({ slackChannels: '#team-a' }) })
      .expect(200);
    expect(body(answer).source).toBe('stored');
    expect(body(answer).routes).toEqual([
      { name: 'team-x errors', matched: false, because: 'kind "deployment" is not one of error' },
      { name: 'kth deployments', matched: true, because: 'kind, application, cluster matched' },
    ]);
    expect(body(answer).sends).toEqual([
      expect.objectContaining({
        target: 'slack',
        address: '#kth-deploys',
        kind: 'deployment',
        route: 'kth deployments',
      }),
      expect.objectContaining({ target: 'slack', address: '#team-a', kind: 'deployment', route: 'kth deployments' }),
    ]);
    expect(body(answer).sends[0]!.text).toContain('kth-azure-app');
    // A stored event by id, and one that does not exist.
    const id = await put(first, 'error', aspenError({ slackChannels: '#team-y' }));
    const byId = await request(first.url).post('/api/v1/notify/test').set(auth).send({ eventId: id }).expect(200);
    expect(body(byId).sends).toEqual([expect.objectContaining({ address: '#team-y', route: 'every other error' })]);
    await request(first.url)
      .post('/api/v1/notify/test')
      .set(auth)
      .send({ eventId: '00000000-0000-4000-8000-00000000dead' })
      .expect(404);
    await finishedDelivery(first, id);
    expect(fake.calls('chat.postMessage').length).toBe(before + 1);
  });

  it('says which silence would hold each send, sending nothing', async () => {
    const created = await request(first.url)
      .post('/api/v1/silences')
      .set(auth)
      .send({
        matchers: { application: ['kth-azure-app'], target: ['slack'] },
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        reason: 'database upgrade',
      })
      .expect(201);
    const silenceId = (created.body as { silence: { id: string } }).silence.id;
    try {
      // The other replica learns of the silence within seconds.
      const held = await waitFor(async () => {
        const answer = await request(second.url)
          .post('/api/v1/notify/test')
          .set(auth)
          .send({ type: 'deployment', payload: aspenDeployment({ slackChannels: '#team-a' }) })
          .expect(200);
        const sends = body(answer).sends;
        return sends.length > 0 && sends.every((send) => send.silencedBy === silenceId) ? sends : null;
      }, 10_000);
      expect(held.map((send) => send.address)).toContain('#team-a');
      const other = await request(first.url)
        .post('/api/v1/notify/test')
        .set(auth)
        .send({
          type: 'deployment',
          payload: aspenDeployment({ applicationName: 'kth-other-app', slackChannels: '#team-a' }),
        })
        .expect(200);
      const sends = body(other).sends;
      expect(sends.length).toBeGreaterThan(0);
      expect(sends.every((send) => send.silencedBy === null)).toBe(true);
    } finally {
      await request(first.url).delete(`/api/v1/silences/${silenceId}`).set(auth).expect(200);
    }
  });

  it('goes back to the default routing when the stored routes are removed', async () => {
    await request(first.url).delete('/api/v1/notify/routes').set(auth).expect(200);
    await waitFor(
      async () => body(await request(second.url).get('/api/v1/notify/routes')).source === 'default',
      5_000,
      'the second replica to see the default routes again',
    );
    const id = await put(second, 'deployment', aspenDeployment({ slackChannels: '#team-b' }));
    expect((await finishedDelivery(second, id)).result).toMatchObject({ summary: 'posted to #deployments, #team-b' });
  });
});
