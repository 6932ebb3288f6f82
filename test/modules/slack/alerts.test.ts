import { FakeSlack, type FakeMessage } from '../../fakes/slack.js';
import { waitFor, type TestHub } from '../../support/hub.js';
import { quiesce, startSlackHub, TOKEN } from './helpers.js';

const ADMIN_TOKEN = 'slack-alerts-admin-0123456789';

describe('inspection alerts in Slack', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { SLACK_CHANNELS: 'deployments', ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  async function call(path: string, body: unknown, method = 'POST'): Promise<Response> {
    return fetch(`${hub.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function report(status: string, message: string): Promise<void> {
    const res = await call('/api/v1/checks/nightly-scan/results', { status, target: 'portal', message });
    expect(res.status).toBe(201);
    await quiesce(hub);
  }

  const alertRoots = (): FakeMessage[] => fake.roots('#team-ops').filter((m) => m.text.includes('nightly-scan'));

  it("posts one alert to the check's channel after two failing runs, replies on escalation and recovery, and updates the root", async () => {
    expect(
      (await call('/api/v1/checks/nightly-scan', { slackChannels: ['#team-ops'], description: 'scan' }, 'PUT')).status,
    ).toBe(201);

    await report('ok', 'fine');
    await report('error', 'first <!here> failure');
    expect(alertRoots()).toHaveLength(0); // one bad result is not yet an alert (alertAfter 2)
    await report('error', 'second failure');

    const [root] = await waitFor(() => (alertRoots().length === 1 ? alertRoots() : null), 5_000, 'one alert root');
    expect(root!.text).toBe('ERROR: nightly-scan (portal): error – second failure');
    const rootText = JSON.stringify(root!.blocks);
    expect(rootText).toContain('failing since');
    expect(rootText).toContain(`${hub.hub.config.publicUrl}/checks/nightly-scan|The check on the hub`);
    // Only the check's own channel: SLACK_CHANNELS is for checks without one.
    expect(fake.roots('#deployments').filter((m) => m.text.includes('nightly-scan'))).toHaveLength(0);

    await report('error', 'still failing');
    expect(fake.replies(root!)).toHaveLength(0); // the same status again: nothing new to say

    await report('critical', 'all down');
    const escalated = await waitFor(
      () => (fake.replies(root!).length === 1 ? fake.replies(root!) : null),
      5_000,
      'escalation reply',
    );
    expect(escalated[0]!.text).toContain('Escalated to *critical* (was error)');
    expect(JSON.stringify(alertRoots()[0]!.blocks)).toContain('escalated to critical');

    await report('ok', 'back');
    expect(fake.replies(root!)).toHaveLength(1); // recoverAfter 2
    await report('ok', 'still fine');
    const replies = await waitFor(
      () => (fake.replies(root!).length === 2 ? fake.replies(root!) : null),
      5_000,
      'recovery reply',
    );
    expect(replies[1]!.text).toMatch(
      /^:white_check_mark: Recovered after \d+ s: nightly-scan \(portal\): ok – still fine$/,
    );
    expect(JSON.stringify(alertRoots()[0]!.blocks)).toMatch(/recovered after \d+ s/);

    await report('ok', 'fine again');
    await report('ok', 'fine again');
    expect(fake.replies(root!)).toHaveLength(2);
    expect(alertRoots()).toHaveLength(1);
    // The payload's text is escaped: no ping reached Slack.
    expect(fake.messages.some((m) => JSON.stringify(m.blocks).includes('<!here>'))).toBe(false);
  });
});
