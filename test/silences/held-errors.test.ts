import { FakeSlack, type FakeMessage } from '../fakes/slack.js';
import { aspenDeployment, aspenError } from '../support/aspen.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { eventView, put, quiesce, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN_TOKEN = 'silences-errors-admin-0123456789';

describe('after a window: held errors of applications not deployed since are heard once, across replicas', () => {
  let fake: FakeSlack;
  let first: TestHub;
  let second: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    const env = { ADMIN_TOKEN, SLACK_CHANNELS: 'deployments', SCHEDULE_CORE_SILENCE_SUMMARIES: '10s' };
    first = await startSlackHub(fake, { env });
    second = await startSlackHub(fake, { env, databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await fake?.close();
  });

  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const opsMessages = (): FakeMessage[] => fake.roots('#team-ops');

  async function activeOn(hub: TestHub): Promise<number> {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    return Number(/^alvares_silences_active (\d+)$/m.exec(text)?.[1] ?? NaN);
  }

  async function slackStatus(hub: TestHub, id: string): Promise<string> {
    return waitFor(
      async () => {
        const delivery = (await eventView(hub, id)).deliveries.find((candidate) => candidate.module === 'slack');
        return delivery && ['succeeded', 'suppressed', 'dead'].includes(delivery.status) ? delivery.status : null;
      },
      15_000,
      'the Slack delivery to end',
    );
  }

  const error = (applicationName: string, cluster: string, message: string) =>
    aspenError({ applicationName, cluster, message, slackChannels: '#team-ops' });

  it('tells the application whose errors no deployment followed, not the one deployed after its error', async () => {
    const created = await fetch(`${first.url}/api/v1/silences`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        reason: 'cluster upgrade',
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        matchers: { kind: ['error'], application: ['~(broken|mended)-app'] },
      }),
    });
    expect(created.status).toBe(201);
    const { silence } = (await created.json()) as { silence: { id: string } };
    await waitFor(async () => ((await activeOn(second)) === 1 ? true : null), 5_000, 'the second replica to hold');

    // broken-app on active: three failures and no deployment of it there since (one to stage does not mend it).
    const broken: string[] = [];
    broken.push(await put(first, 'error', error('broken-app', 'active', 'Deployment of broken-app failed: 1')));
    broken.push(await put(second, 'error', error('broken-app', 'active', 'Deployment of broken-app failed: 2')));
    broken.push(
      await put(first, 'error', error('broken-app', 'active', 'Deployment of broken-app failed: <image> & tag')),
    );
    await put(first, 'deployment', aspenDeployment({ applicationName: 'broken-app', cluster: 'stage' }));
    // mended-app failed, then was deployed to the same cluster inside the window: nothing to tell.
    const mended = await put(second, 'error', error('mended-app', 'active', 'Deployment of mended-app failed'));
    await put(second, 'deployment', aspenDeployment({ applicationName: 'mended-app', cluster: 'active' }));

    for (const id of [...broken, mended]) expect(await slackStatus(first, id)).toBe('suppressed');
    await quiesce(first);
    await quiesce(second);
    expect(opsMessages()).toEqual([]);

    expect(
      (await fetch(`${second.url}/api/v1/silences/${silence.id}`, { method: 'DELETE', headers: admin })).status,
    ).toBe(200);
    const [summary] = await waitFor(
      () => Promise.resolve(opsMessages().length > 0 ? opsMessages() : null),
      60_000,
      'the summary after the window',
    );
    expect(summary!.text).toBe('Still failing after the maintenance window: 1 application');
    const blocks = JSON.stringify(summary!.blocks);
    expect(blocks).toContain('cluster upgrade');
    expect(blocks).toContain('*broken-app* on active: 3 errors held');
    // The latest error's message, escaped for Slack, and a link to its page on the hub.
    expect(blocks).toContain('latest \\"Deployment of broken-app failed: &lt;image&gt; &amp; tag\\" at ');
    expect(blocks).toContain('no deployment since');
    expect(blocks).toContain(`/events/${broken[2]}|latest error>`);
    expect(blocks).not.toContain('mended-app');

    // Once: both replicas tick again and find the closing taken.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    await quiesce(first);
    await quiesce(second);
    expect(opsMessages()).toHaveLength(1);
    const events = await first.hub.db.query<{ payload: { stillErroring: Array<{ application: string }> } }>(
      `select payload from events where type = 'silence.ended' and payload->>'silenceId' = $1`,
      [silence.id],
    );
    expect(events.rows).toHaveLength(1);
    expect(events.rows[0]!.payload.stillErroring.map((group) => group.application)).toEqual(['broken-app']);
  }, 120_000);
});
