import request from 'supertest';
import { databaseModule } from '../../../modules/database/index.js';
import { discordModule } from '../../../modules/discord/index.js';
import type { DeliveryView } from '../../../src/store/delivery-views.js';
import { FakeDiscord, type DiscordMessage } from '../../fakes/discord.js';
import { aspenDeployment, aspenError, HOSTS_ENV } from '../../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../../support/hub.js';
import { monitorModule } from '../slack/helpers.js';

const ADMIN = 'discord-admin-token-0123456789';

describe('Discord through a channel webhook', () => {
  let fake: FakeDiscord;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    hub = await startTestHub({
      env: {
        ...HOSTS_ENV,
        DISCORD_WEBHOOK_URL: fake.webhookUrl,
        DISCORD_PACE_MS: '5',
        DISCORD_TIMEOUT_MS: '500',
        ADMIN_TOKEN: ADMIN,
        IDEMPOTENCY_WINDOW_SECONDS: '0',
        ERROR_STORM_WINDOW_SECONDS: '0',
      },
      modules: [databaseModule, discordModule, monitorModule],
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  const put = async (type: 'deployment' | 'error', body: Record<string, unknown>) =>
    (await request(hub.url).put(`/api/v1/${type}`).send(body).expect(200)).body.id as string;
  const delivery = (id: string, module = 'discord'): Promise<DeliveryView> =>
    waitFor(
      async () => {
        const view = await request(hub.url).get(`/api/v1/events/${id}`).expect(200);
        const found = (view.body.deliveries as DeliveryView[]).find((candidate) => candidate.module === module);
        return found && ['succeeded', 'dead'].includes(found.status) ? found : null;
      },
      10_000,
      `discord delivery of ${id}`,
    );
  const card = (text: string, count = 1): Promise<DiscordMessage[]> =>
    waitFor(() => (fake.with(text).length >= count ? fake.with(text) : null), 8_000, `message with ${text}`);
  const admin = (method: 'put' | 'post' | 'delete', path: string) =>
    request(hub.url)[method](path).set('authorization', `Bearer ${ADMIN}`);
  const facts = (found: DiscordMessage) =>
    Object.fromEntries(found.embeds[0]!.fields!.map((field) => [field.name, field.value]));

  async function report(check: string, status: string, message: string): Promise<void> {
    await admin('post', `/api/v1/checks/${check}/results`).send({ status, target: 'portal', message }).expect(201);
    await waitForQuiet(hub, { task: 'deliver', timeoutMs: 10_000 });
  }

  it('posts a deployment as an embed with ?wait=true, then edits it with each outcome', async () => {
    const id = await put('deployment', aspenDeployment({ version: '3.1.4' }));
    expect(await delivery(id)).toMatchObject({ status: 'succeeded', result: { summary: 'posted to webhook' } });
    const [posted] = await card('3.1.4');
    expect(fake.requests.find((entry) => entry.method === 'POST')!.query).toBe('?wait=true');
    expect(posted!.allowed_mentions).toEqual({ parse: [] });
    expect(posted!.embeds).toHaveLength(1);
    expect(facts(posted!)).toMatchObject({ Application: 'kth-azure-app', Version: '3.1.4', Cluster: 'active' });
    expect(posted!.embeds[0]!.description).toContain(`(${hub.hub.config.publicUrl}/api/v1/events/${id})`);

    // No thread in an ordinary channel: the outcome edits the root's status line instead.
    const [edited] = await waitFor(
      () => (posted!.edits > 0 ? [posted!] : null),
      8_000,
      'the root edited with the outcome',
    );
    expect(edited.embeds[0]!.description).toContain('**Status:** ✅ test-monitor');
    expect(
      fake.requests.some((entry) => entry.method === 'PATCH' && entry.path.endsWith(`/messages/${posted!.id}`)),
    ).toBe(true);
    expect(fake.with('test-monitor')).toHaveLength(1);
  });

  it('posts an error with its message escaped', async () => {
    const id = await put('error', aspenError({ message: 'boom **[click](http://evil)**' }));
    expect(await delivery(id)).toMatchObject({ status: 'succeeded' });
    const [posted] = await card('boom');
    expect(posted!.embeds[0]!.description).toContain('boom \\*\\*\\[click\\](http://evil)\\*\\*');
  });

  it("posts an external check's alert, its escalation and its recovery as messages", async () => {
    await admin('put', '/api/v1/checks/discord-scan').send({ description: 'scan' }).expect(201);
    await report('discord-scan', 'error', 'first failure');
    await report('discord-scan', 'error', 'second failure');
    const [alert] = await card('ERROR: discord-scan');
    expect(alert!.embeds[0]!.description).toContain(`(${hub.hub.config.publicUrl}/checks/discord-scan)`);
    await report('discord-scan', 'critical', 'all down');
    await card('Escalated to **critical** (was error)');
    await report('discord-scan', 'ok', 'back');
    await report('discord-scan', 'ok', 'still fine');
    await card('Recovered after');
  });

  it("waits out a 429 for the body's retry_after (seconds) and posts once", async () => {
    await waitForQuiet(hub, { task: 'deliver', timeoutMs: 10_000 });
    fake.failNext(1, {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 1.4, global: false },
    });
    const started = Date.now();
    const id = await put('error', aspenError({ message: 'limited once' }));
    const done = await delivery(id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done.lifecycle.find((step) => step.status === 'failed')!.detail).toMatchObject({
      status: 429,
      code: 'HUB_ERR_RATE_LIMITED',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(fake.with('limited once')).toHaveLength(1);
  });

  it('retries a 5xx and a timeout, and goes dead at once on a refusal', async () => {
    await waitForQuiet(hub, { task: 'deliver', timeoutMs: 10_000 });
    fake.failNext(1, { status: 502, body: { message: 'bad gateway' } });
    fake.failNext(1, { status: 200, body: {}, delayMs: 1500 });
    const id = await put('error', aspenError({ message: 'after two failures' }));
    const done = await delivery(id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(done.lifecycle.filter((step) => step.status === 'failed').map((step) => step.detail)).toEqual([
      expect.objectContaining({ status: 502 }),
      expect.objectContaining({ code: 'HUB_ERR_TIMEOUT' }),
    ]);
    expect(fake.with('after two failures')).toHaveLength(1);

    await waitForQuiet(hub, { task: 'deliver', timeoutMs: 10_000 });
    fake.failNext(1, { status: 400, body: { message: 'Invalid Form Body', code: 50035 } });
    const refused = await put('error', aspenError({ message: 'refused for good' }));
    expect(await delivery(refused)).toMatchObject({ status: 'dead', attempts: 1, lastError: { permanent: true } });
    // The webhook's token is a secret: it appears nowhere the hub shows.
    const view = await request(hub.url).get(`/api/v1/events/${refused}`).expect(200);
    expect(JSON.stringify(view.body)).not.toContain('fake-discord-webhook-token');
  });

  it('sends through a stored route: deployment, error, alert, escalation and recovery', async () => {
    await admin('put', '/api/v1/notify/routes')
      .send({
        routes: [
          {
            name: 'everything to discord',
            match: { kind: ['deployment', 'error', 'alert', 'escalation', 'recovery'] },
            to: [{ target: 'discord', addresses: ['webhook'] }],
          },
        ],
      })
      .expect(200);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_200)); // replicas read routes again within 2 s
      const id = await put('deployment', aspenDeployment({ version: '9.9.9' }));
      expect(await delivery(id)).toMatchObject({
        status: 'succeeded',
        result: { details: { routes: { webhook: 'everything to discord' } } },
      });
      await card('9.9.9');
      const error = await put('error', aspenError({ message: 'routed error' }));
      expect(await delivery(error)).toMatchObject({
        result: { details: { routes: { webhook: 'everything to discord' } } },
      });
      await admin('put', '/api/v1/checks/routed-scan').send({ description: 'scan' }).expect(201);
      await report('routed-scan', 'error', 'one');
      await report('routed-scan', 'error', 'two');
      await card('ERROR: routed-scan');
      await report('routed-scan', 'critical', 'three');
      await card('Escalated to **critical** (was error): routed-scan');
      await report('routed-scan', 'ok', 'four');
      await report('routed-scan', 'ok', 'five');
      await card('routed-scan (portal): ok');
    } finally {
      await admin('delete', '/api/v1/notify/routes').expect((res) => expect([200, 204, 404]).toContain(res.status));
    }
  });
});
