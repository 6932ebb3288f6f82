import { FakeSlack, type FakeMessage } from '../fakes/slack.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { quiesce, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN_TOKEN = 'silences-summary-admin-0123456789';

describe('after a silence ends: what is still broken is heard once', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, {
      env: { ADMIN_TOKEN, SLACK_CHANNELS: 'deployments', SCHEDULE_CORE_SILENCE_SUMMARIES: '10s' },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${hub.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async function report(check: string, status: string, message: string): Promise<void> {
    const res = await call('POST', `/api/v1/checks/${check}/results`, { status, target: 'portal', message });
    expect(res.status).toBe(201);
    await quiesce(hub);
  }

  const opsMessages = (): FakeMessage[] => fake.roots('#team-ops');

  it('holds alerts while muted, then sends one summary of what is still failing and nothing about what recovered', async () => {
    for (const check of ['nightly-scan', 'flaky-scan'])
      expect(
        (await call('PUT', `/api/v1/checks/${check}`, { slackChannels: ['#team-ops'], description: 'scan' })).status,
      ).toBe(201);
    const created = await call('POST', '/api/v1/silences', {
      reason: 'scanner upgrade',
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      matchers: { check: ['~(nightly|flaky)-scan'] },
    });
    expect(created.status).toBe(201);
    const { silence } = (await created.json()) as { silence: { id: string } };

    await report('nightly-scan', 'ok', 'fine');
    await report('nightly-scan', 'error', 'first failure');
    await report('nightly-scan', 'error', 'second failure'); // an alert, held
    await report('flaky-scan', 'error', 'down');
    await report('flaky-scan', 'error', 'still down'); // an alert, held
    await report('flaky-scan', 'ok', 'back');
    await report('flaky-scan', 'ok', 'still fine'); // recovered while muted, held
    expect(opsMessages()).toEqual([]);
    const held = await hub.hub.db.query<{ n: string }>(
      `select count(*) as n from deliveries where suppressed_by = $1 and module = 'slack'`,
      [silence.id],
    );
    expect(Number(held.rows[0]!.n)).toBe(3);

    const ended = Date.now();
    expect((await call('DELETE', `/api/v1/silences/${silence.id}`)).status).toBe(200);
    const [summary] = await waitFor(
      () => Promise.resolve(opsMessages().length > 0 ? opsMessages() : null),
      60_000,
      'the summary after the window',
    );
    const tookMs = Date.now() - ended;
    expect(tookMs).toBeLessThan(60_000);
    expect(summary!.text).toBe('Still failing after the maintenance window: 1 check');
    const blocks = JSON.stringify(summary!.blocks);
    expect(blocks).toContain('nightly-scan');
    expect(blocks).toContain('scanner upgrade');
    expect(blocks).toContain('failing since');
    expect(blocks).not.toContain('flaky-scan');

    // Once: another tick of the schedule finds the closing taken.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    await quiesce(hub);
    expect(opsMessages()).toHaveLength(1);
    expect(fake.roots('#deployments')).toEqual([]);
  }, 120_000);
});
