import type { SilenceView } from '../../src/silences/silences.js';
import { FakeSlack } from '../fakes/slack.js';
import { aspenDeployment } from '../support/aspen.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { eventView, quiesce, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN_TOKEN = 'silences-admin-token-0123456789';
const PIPELINE_TOKEN = 'silences-pipeline-token-0123456789';

/** The answers these tests read: a silence, a list, a created one, an error, an ingest answer. */
type Answer = Partial<SilenceView> & {
  silence: SilenceView;
  silences: SilenceView[];
  warnings: string[];
  error: { fields: Array<{ field: string }> };
};

describe('silences over HTTP, with the fake Slack', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, {
      env: { ADMIN_TOKEN, INGEST_TOKENS: `pipeline:${PIPELINE_TOKEN}`, SLACK_CHANNELS: 'deployments' },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` },
  ): Promise<{ status: number; body: Answer }> {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Answer };
  }

  async function deploy(applicationName: string): Promise<string> {
    const answer = await call('PUT', '/api/v1/deployment', aspenDeployment({ applicationName, slackChannels: null }), {
      authorization: `Bearer ${PIPELINE_TOKEN}`,
    });
    expect(answer.status).toBe(200);
    return answer.body.id!;
  }

  async function ended(eventId: string, module: string) {
    return waitFor(
      async () => {
        const view = await eventView(hub, eventId);
        const delivery = view.deliveries.find((candidate) => candidate.module === module);
        return delivery && ['succeeded', 'dead', 'skipped', 'suppressed'].includes(delivery.status) ? delivery : null;
      },
      10_000,
      `${module} delivery of ${eventId} to end`,
    );
  }

  const inSlack = (application: string) =>
    fake.roots('#deployments').filter((message) => JSON.stringify(message).includes(application));

  const hour = 3_600_000;
  const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

  it('refuses bad input with 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ reason: 'r', startsAt: at(hour), endsAt: at(0) }, 'endsAt'],
      [{ reason: 'r', endsAt: at(8 * 24 * hour) }, 'endsAt'],
      [{ reason: 'r' }, 'endsAt'],
      [{ reason: 'r', recurrence: 'FREQ=SOMETIMES', durationMinutes: 60, timeZone: 'Europe/Stockholm' }, 'recurrence'],
      [{ reason: 'r', recurrence: 'FREQ=DAILY', durationMinutes: 60, timeZone: 'Europe/Atlantis' }, 'timeZone'],
      [{ reason: 'r', endsAt: at(hour), matchers: { colour: ['red'] } }, 'matchers.colour'],
      [{ reason: 'r', endsAt: at(hour), matchers: { application: ['~(unclosed'] } }, 'matchers.application.0'],
      [{ endsAt: at(hour) }, 'reason'],
    ];
    for (const [body, field] of cases) {
      const answer = await call('POST', '/api/v1/silences', body);
      expect({ field, status: answer.status }).toEqual({ field, status: 400 });
      expect(answer.body.error.fields.map((entry) => entry.field)).toContain(field);
    }
    expect((await call('POST', '/api/v1/silences', { reason: 'r', endsAt: at(hour) }, {})).status).toBe(401);
  });

  it("holds a muted application's Slack notifications, records them suppressed, and leaves others and the history alone", async () => {
    const created = await call(
      'POST',
      '/api/v1/silences',
      { reason: 'database upgrade', endsAt: at(hour), matchers: { application: ['~muted-.*'], kind: ['deployment'] } },
      { authorization: `Bearer ${PIPELINE_TOKEN}`, 'Idempotency-Key': 'deploy-42' },
    );
    expect(created.status).toBe(201);
    const silence = created.body.silence;
    expect(silence).toMatchObject({
      state: 'active',
      createdBy: 'pipeline',
      origin: 'api',
      reason: 'database upgrade',
    });
    // A retried POST with the same key is the same silence.
    const again = await call(
      'POST',
      '/api/v1/silences',
      { reason: 'database upgrade', endsAt: at(hour), matchers: { application: ['~muted-.*'] } },
      { authorization: `Bearer ${PIPELINE_TOKEN}`, 'Idempotency-Key': 'deploy-42' },
    );
    expect(again.status).toBe(201);
    expect(again.body.silence.id).toBe(silence.id);

    const muted = await deploy('muted-app');
    const other = await deploy('other-app');
    const held = await ended(muted, 'slack');
    expect(held).toMatchObject({ status: 'suppressed', suppressedBy: silence.id });
    expect(held.lifecycle.at(-1)).toMatchObject({ status: 'suppressed', detail: { silenceId: silence.id } });
    expect((await ended(muted, 'database')).status).toBe('succeeded');
    expect((await ended(other, 'slack')).status).toBe('succeeded');
    await quiesce(hub);
    expect(inSlack('other-app')).toHaveLength(1);
    expect(inSlack('muted-app')).toHaveLength(0);

    const listed = await call('GET', '/api/v1/silences?application=muted-app', undefined, {});
    expect(listed.body.silences.map((entry) => entry.id)).toEqual([silence.id]);
    expect(listed.body.silences[0]?.held).toBe(1);
    expect((await call('GET', '/api/v1/silences?application=other-app', undefined, {})).body.silences).toEqual([]);
    expect((await call('GET', `/api/v1/silences?activeAt=${encodeURIComponent(at(2 * hour))}`)).body.silences).toEqual(
      [],
    );

    const would = await call('GET', '/api/v1/silences/holding?application=muted-2&kind=deployment&target=slack');
    expect(would.body.silence?.id).toBe(silence.id);
    const wouldNot = await call('GET', '/api/v1/silences/holding?application=muted-2&kind=error&target=slack');
    expect(wouldNot.body.silence as SilenceView | null).toBeNull();
    expect((await call('GET', '/api/v1/silences/holding?application=muted-2')).status).toBe(400);

    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/alvares_notifications_suppressed_total\{target="slack",kind="deployment"\} 1\b/);
    expect(metrics).toMatch(/alvares_silences_active 1\b/);

    // Nothing was dropped: a replay sends it, even while the silence still holds.
    const replay = await call('POST', `/api/v1/deliveries/${held.id}/replay`);
    expect(replay.status).toBe(200);
    await waitFor(() => Promise.resolve(inSlack('muted-app').length === 1 ? true : null), 10_000, 'the replayed post');
    const replayed = await ended(muted, 'slack');
    expect(replayed).toMatchObject({ status: 'succeeded', suppressedBy: silence.id });

    // Ended now, kept as history; the application is heard again.
    const deleted = await call('DELETE', `/api/v1/silences/${silence.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ state: 'expired', endedBy: 'admin' });
    expect((await call('GET', '/api/v1/silences', undefined, {})).body.silences).toEqual([]);
    const history = await call('GET', '/api/v1/silences?state=all', undefined, {});
    expect(history.body.silences.find((entry) => entry.id === silence.id)?.state).toBe('expired');
    const after = await deploy('muted-app');
    expect((await ended(after, 'slack')).status).toBe('succeeded');
    expect((await call('GET', `/api/v1/silences/${silence.id}`, undefined, {})).body.held).toBe(1);
    expect((await call('DELETE', '/api/v1/silences/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('warns about a silence that matches nothing, and lists a pending recurring window with its next opening', async () => {
    const created = await call('POST', '/api/v1/silences', {
      reason: 'never deployed',
      endsAt: at(hour),
      matchers: { application: ['no-such-app'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.warnings.join(' ')).toContain('no application');

    const window = await call('POST', '/api/v1/silences', {
      reason: 'weekly patching',
      recurrence: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0',
      durationMinutes: 60,
      timeZone: 'Europe/Stockholm',
      startsAt: at(-hour),
      matchers: { cluster: ['active'] },
    });
    expect(window.status).toBe(201);
    const { silence } = window.body;
    expect(['active', 'pending']).toContain(silence.state);
    expect(silence.window).not.toBeNull();
    const opens = new Date(silence.window!.opensAt);
    expect(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Stockholm',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      }).format(opens),
    ).toBe('Sun 02:00');
  });
});
