import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment } from '../support/aspen.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { eventView, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN_TOKEN = 'silences-replicas-admin-0123456789';

describe('silences across two replicas on one PostgreSQL', () => {
  let fake: FakeSlack;
  let first: TestHub;
  let second: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    const env = { ADMIN_TOKEN, SLACK_CHANNELS: 'deployments' };
    first = await startSlackHub(fake, { env });
    second = await startSlackHub(fake, { env, databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await fake?.close();
  });

  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

  async function activeOn(hub: TestHub): Promise<number> {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    return Number(/^alvares_silences_active (\d+)$/m.exec(text)?.[1] ?? NaN);
  }

  async function slackStatus(hub: TestHub, applicationName: string): Promise<string> {
    const res = await fetch(`${hub.url}/api/v1/deployment`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(aspenDeployment({ applicationName, slackChannels: null })),
    });
    const { id } = (await res.json()) as { id: string };
    return waitFor(
      async () => {
        const delivery = (await eventView(hub, id)).deliveries.find((candidate) => candidate.module === 'slack');
        return delivery && ['succeeded', 'suppressed', 'dead'].includes(delivery.status) ? delivery.status : null;
      },
      10_000,
      'the Slack delivery to end',
    );
  }

  it('applies a silence made on one replica on the other within 5 s, and its end too', async () => {
    const started = Date.now();
    const res = await fetch(`${first.url}/api/v1/silences`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        reason: 'cluster rebuild',
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        matchers: { application: ['rebuilt-app'] },
      }),
    });
    expect(res.status).toBe(201);
    const { silence } = (await res.json()) as { silence: { id: string } };
    await waitFor(async () => ((await activeOn(second)) === 1 ? true : null), 5_000, 'the second replica to hold');
    const applied = Date.now() - started;
    expect(applied).toBeLessThan(5_000);
    expect(await slackStatus(second, 'rebuilt-app')).toBe('suppressed');
    expect(await slackStatus(second, 'another-app')).toBe('succeeded');

    const endedAt = Date.now();
    expect(
      (await fetch(`${second.url}/api/v1/silences/${silence.id}`, { method: 'DELETE', headers: admin })).status,
    ).toBe(200);
    await waitFor(async () => ((await activeOn(first)) === 0 ? true : null), 5_000, 'the first replica to let go');
    expect(Date.now() - endedAt).toBeLessThan(5_000);
    expect(await slackStatus(first, 'rebuilt-app')).toBe('succeeded');
  });
});
