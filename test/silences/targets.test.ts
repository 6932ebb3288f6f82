import request from 'supertest';
import type { DeliveryView } from '../../src/store/delivery-views.js';
import { FakeSlack, type FakeMessage } from '../fakes/slack.js';
import { aspenDeployment } from '../support/aspen.js';
import { waitFor, type TestHub } from '../support/hub.js';
import { parsePrometheus, sampleValue } from '../support/prometheus.js';
import { eventView, put, quiesce, startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN = 'silences-targets-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };
const HOUR = 3_600_000;

/**
 * One rule for every notification: a silence naming a stored target holds that target's sends only, one naming
 * the module holds the whole delivery, a replay is sent, and a deployment's thread says what else is muted.
 */
describe('silences over the notification targets, with the fake Slack', () => {
  let fake: FakeSlack;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    hub = await startSlackHub(fake, { env: { SLACK_CHANNELS: '#deployments', ADMIN_TOKEN: ADMIN } });
    await request(hub.url)
      .put('/api/v1/notify/targets/slack-ops')
      .set(auth)
      .send({ provider: 'slack', settings: { token: TOKEN } })
      .expect(200);
    await request(hub.url)
      .put('/api/v1/notify/routes')
      .set(auth)
      .send({
        routes: [
          {
            name: 'deployments to both',
            match: { kind: ['deployment'] },
            to: [
              { target: 'slack', addresses: ['#deployments'] },
              { target: 'slack-ops', addresses: ['#ops'] },
            ],
          },
        ],
      })
      .expect(200);
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  async function silence(body: Record<string, unknown>): Promise<string> {
    const answer = await request(hub.url)
      .post('/api/v1/silences')
      .set(auth)
      .send({ endsAt: new Date(Date.now() + HOUR).toISOString(), reason: 'database upgrade', ...body })
      .expect(201);
    return (answer.body as { silence: { id: string } }).silence.id;
  }

  const end = (id: string) => request(hub.url).delete(`/api/v1/silences/${id}`).set(auth).expect(200);

  async function ended(eventId: string, status?: string): Promise<DeliveryView> {
    return waitFor(
      async () => {
        const delivery = (await eventView(hub, eventId)).deliveries.find((candidate) => candidate.module === 'slack');
        const done = delivery && ['succeeded', 'dead', 'suppressed'].includes(delivery.status);
        return done && (!status || delivery.status === status) ? delivery : null;
      },
      10_000,
      `slack delivery of ${eventId} to end`,
    );
  }

  const rootsOf = (channel: string, application: string): FakeMessage[] =>
    fake.roots(channel).filter((root) => JSON.stringify(root.blocks).includes(application));

  async function suppressedCount(target: string, kind: string): Promise<number> {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    const ours = text.split('\n').filter((line) => line.includes('alvares_notifications_suppressed_total'));
    const families = parsePrometheus(`${ours.join('\n')}\n`);
    return sampleValue(families, 'alvares_notifications_suppressed_total', { target, kind }) ?? 0;
  }

  it('holds only the stored target a silence names: the other Slack target posts, the result and the count name the hold, a replay sends it', async () => {
    const id = await silence({ matchers: { application: ['ops-held-app'], target: ['slack-ops'] } });
    const explained = await request(hub.url)
      .post('/api/v1/notify/test')
      .set(auth)
      .send({ type: 'deployment', payload: aspenDeployment({ applicationName: 'ops-held-app' }) })
      .expect(200);
    expect(
      (explained.body as { sends: Array<{ target: string; address: string; silencedBy: string | null }> }).sends.map(
        ({ target, address, silencedBy }) => ({ target, address, silencedBy }),
      ),
    ).toEqual([
      { target: 'slack', address: '#deployments', silencedBy: null },
      { target: 'slack-ops', address: '#ops', silencedBy: id },
    ]);

    const holding = async (query: string) =>
      (
        (await request(hub.url).get(`/api/v1/silences/holding?${query}`).expect(200)).body as {
          silence: { id: string } | null;
        }
      ).silence?.id ?? null;
    expect(await holding('application=ops-held-app&kind=deployment&target=slack-ops')).toBe(id);
    expect(await holding('application=ops-held-app&kind=deployment&target=slack')).toBeNull();

    const eventId = await put(hub, 'deployment', aspenDeployment({ applicationName: 'ops-held-app' }));
    const delivery = await ended(eventId);
    expect(delivery).toMatchObject({ status: 'succeeded', suppressedBy: id });
    expect((delivery.result as { summary: string }).summary).toBe(
      `slack: posted to #deployments; slack-ops: no channel to post to; suppressed #ops (silence ${id})`,
    );
    expect(rootsOf('#deployments', 'ops-held-app')).toHaveLength(1);
    expect(rootsOf('#ops', 'ops-held-app')).toHaveLength(0);
    expect(await suppressedCount('slack-ops', 'deployment')).toBe(1);
    expect(await suppressedCount('slack', 'deployment')).toBe(0);
    const page = await request(hub.url).get(`/events/${eventId}`).set(auth).expect(200);
    expect(page.text).toContain('Held by');
    expect(page.text).toContain(`silence ${id}`);
    expect((await request(hub.url).get(`/api/v1/silences/${id}`).expect(200)).body.held).toBe(1);

    // The operator asks for it while the silence still holds: the held target gets it, the other is not told twice.
    await request(hub.url).post(`/api/v1/deliveries/${delivery.id}/replay`).set(auth).expect(200);
    await waitFor(() => rootsOf('#ops', 'ops-held-app').length === 1, 10_000, 'the replayed post to #ops');
    await quiesce(hub);
    expect(await ended(eventId)).toMatchObject({ status: 'succeeded', suppressedBy: id });
    expect(rootsOf('#deployments', 'ops-held-app')).toHaveLength(1);
    expect(await suppressedCount('slack-ops', 'deployment')).toBe(1);
    await end(id);
  });

  it("holds the whole delivery when the silence names the module's target, and a replay sends every target", async () => {
    const id = await silence({ matchers: { application: ['all-held-app'], target: ['slack'] } });
    const asked = await request(hub.url)
      .get('/api/v1/silences/holding?application=all-held-app&kind=alert&target=slack-ops')
      .expect(200);
    expect((asked.body as { silence: { id: string } | null }).silence?.id).toBe(id);
    const eventId = await put(hub, 'deployment', aspenDeployment({ applicationName: 'all-held-app' }));
    const held = await ended(eventId, 'suppressed');
    expect(held.suppressedBy).toBe(id);
    expect(await suppressedCount('slack', 'deployment')).toBe(1);
    expect(rootsOf('#deployments', 'all-held-app')).toHaveLength(0);
    expect(rootsOf('#ops', 'all-held-app')).toHaveLength(0);

    // Every send of the replay would match the silence too: none is held again.
    await request(hub.url).post(`/api/v1/deliveries/${held.id}/replay`).set(auth).expect(200);
    const replayed = await ended(eventId, 'succeeded');
    expect((replayed.result as { summary: string }).summary).toBe(
      'slack: posted to #deployments; slack-ops: posted to #ops',
    );
    expect(rootsOf('#deployments', 'all-held-app')).toHaveLength(1);
    expect(rootsOf('#ops', 'all-held-app')).toHaveLength(1);
    expect(await suppressedCount('slack-ops', 'deployment')).toBe(1);
    await end(id);
  });

  it("says once in a deployment's thread that its application's alerts are muted, escaped, and not when nothing else is muted", async () => {
    const until = new Date(Math.ceil((Date.now() + HOUR) / 60_000) * 60_000);
    const id = await silence({
      matchers: { application: ['noted-app'], kind: ['inspection'] },
      endsAt: until.toISOString(),
      createdBy: 'ops',
      reason: 'database upgrade <reindex> & vacuum',
    });
    const opsOnly = await silence({
      matchers: { application: ['noted-app'], kind: ['error'], target: ['slack-ops'] },
      createdBy: 'ops',
    });
    const eventId = await put(hub, 'deployment', aspenDeployment({ applicationName: 'noted-app' }));
    expect((await ended(eventId)).status).toBe('succeeded');
    await quiesce(hub);
    const [root] = rootsOf('#deployments', 'noted-app');
    const [opsRoot] = rootsOf('#ops', 'noted-app');
    const clock = `${String(until.getUTCHours()).padStart(2, '0')}:${String(until.getUTCMinutes()).padStart(2, '0')} UTC`;
    const note = (text: string) =>
      expect.stringMatching(
        new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('CLOCK', `(\\d+ \\w+ )?${clock}`)}$`),
      );
    const alerts = 'Alerts for noted-app are muted until CLOCK by ops: database upgrade &lt;reindex&gt; &amp; vacuum';
    expect(fake.replies(root!).map((reply) => reply.text)).toEqual([note(alerts)]);
    // The silence on slack-ops alone is said in that target's thread only, in the same one reply (soonest end first).
    const [opsNote, ...more] = fake.replies(opsRoot!).map((reply) => reply.text);
    expect(more).toEqual([]);
    expect(opsNote!.split('\n')).toEqual([
      expect.stringMatching(/^Errors for noted-app are muted until .* by ops: database upgrade$/),
      note(alerts),
    ]);

    // A replay of the deployment finds its roots and its note posted: nothing is said twice.
    const delivery = await ended(eventId);
    await request(hub.url).post(`/api/v1/deliveries/${delivery.id}/replay`).set(auth).expect(200);
    await waitFor(async () => (await ended(eventId)).attempts === 2, 10_000, 'the replay to end');
    await quiesce(hub);
    expect(fake.replies(root!)).toHaveLength(1);
    expect(fake.replies(opsRoot!)).toHaveLength(1);

    // A silence that also holds deployments holds the root: there is no thread to tell.
    const both = await silence({ matchers: { application: ['both-app'], kind: ['deployment', 'inspection'] } });
    const held = await put(hub, 'deployment', aspenDeployment({ applicationName: 'both-app' }));
    expect((await ended(held)).status).toBe('suppressed');
    expect(rootsOf('#deployments', 'both-app')).toHaveLength(0);

    // No silence about the application: the thread stays quiet.
    const plain = await put(hub, 'deployment', aspenDeployment({ applicationName: 'plain-app' }));
    expect((await ended(plain)).status).toBe('succeeded');
    await quiesce(hub);
    const [plainRoot] = rootsOf('#deployments', 'plain-app');
    expect(fake.replies(plainRoot!)).toEqual([]);
    await Promise.all([end(id), end(opsOnly), end(both)]);
  });
});
