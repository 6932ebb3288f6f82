import request from 'supertest';
import { databaseModule } from '../../../modules/database/index.js';
import { teamsModule } from '../../../modules/teams/index.js';
import type { DeliveryView } from '../../../src/store/delivery-views.js';
import { FakeTeams, type TeamsCard } from '../../fakes/teams.js';
import { aspenDeployment, aspenError, HOSTS_ENV } from '../../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../../support/hub.js';
import { monitorModule } from '../slack/helpers.js';

const ADMIN = 'teams-admin-token-0123456789';

describe('Microsoft Teams through a Workflows webhook', () => {
  let fake: FakeTeams;
  let hub: TestHub;

  beforeAll(async () => {
    fake = await FakeTeams.start();
    hub = await startTestHub({
      env: {
        ...HOSTS_ENV,
        TEAMS_WEBHOOK_URL: fake.webhookUrl,
        TEAMS_FOLLOW_UP_MS: '400',
        TEAMS_PACE_MS: '5',
        TEAMS_TIMEOUT_MS: '500',
        ADMIN_TOKEN: ADMIN,
        IDEMPOTENCY_WINDOW_SECONDS: '0',
        ERROR_STORM_WINDOW_SECONDS: '0',
      },
      modules: [databaseModule, teamsModule, monitorModule],
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await fake?.close();
  });

  const put = async (type: 'deployment' | 'error', body: Record<string, unknown>) =>
    (await request(hub.url).put(`/api/v1/${type}`).send(body).expect(200)).body.id as string;
  const delivery = (id: string, module = 'teams'): Promise<DeliveryView> =>
    waitFor(
      async () => {
        const view = await request(hub.url).get(`/api/v1/events/${id}`).expect(200);
        const found = (view.body.deliveries as DeliveryView[]).find((candidate) => candidate.module === module);
        return found && ['succeeded', 'dead'].includes(found.status) ? found : null;
      },
      10_000,
      `teams delivery of ${id}`,
    );
  const card = (text: string, count = 1): Promise<TeamsCard[]> =>
    waitFor(() => (fake.cardsWith(text).length >= count ? fake.cardsWith(text) : null), 8_000, `card with ${text}`);
  const admin = (method: 'put' | 'post' | 'delete', path: string) =>
    request(hub.url)[method](path).set('authorization', `Bearer ${ADMIN}`);
  const facts = (found: TeamsCard) =>
    Object.fromEntries(
      (found.body.find((block) => block.type === 'FactSet')!.facts as Array<{ title: string; value: string }>).map(
        (fact) => [fact.title, fact.value],
      ),
    );

  async function report(check: string, status: string, message: string): Promise<void> {
    await admin('post', `/api/v1/checks/${check}/results`).send({ status, target: 'portal', message }).expect(201);
    await waitForQuiet(hub, { task: 'deliver', timeoutMs: 10_000 });
  }

  it('posts a deployment as an Adaptive Card 1.5, full width, in the message envelope, then one follow-up for its outcomes', async () => {
    const id = await put('deployment', aspenDeployment({ version: '3.1.4' }));
    expect(await delivery(id)).toMatchObject({ status: 'succeeded', result: { summary: 'posted to webhook' } });
    const [posted] = await card('3.1.4');
    const envelope = fake.requests.find((entry) => JSON.stringify(entry.body).includes('3.1.4'))!.body as {
      type: string;
      attachments: Array<{ contentType: string; content: { type: string } }>;
    };
    expect(envelope.type).toBe('message');
    expect(envelope.attachments).toHaveLength(1);
    expect(envelope.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(envelope.attachments[0]!.content.type).toBe('AdaptiveCard');
    expect(posted!.version).toBe('1.5');
    expect(posted!.msteams).toEqual({ width: 'Full' });
    expect(facts(posted!)).toMatchObject({ Application: 'kth-azure-app', Version: '3.1.4', Cluster: 'active' });
    expect(posted!.actions).toContainEqual({
      type: 'Action.OpenUrl',
      title: 'The event on the hub',
      url: `${hub.hub.config.publicUrl}/api/v1/events/${id}`,
    });

    // Workflows cannot reply or edit: the outcome comes as one follow-up card a short while later.
    const [followUp] = await card('test-monitor');
    expect(followUp!.text).toContain('**Status:**');
    expect(followUp!.text).toContain('kth-azure-app');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(fake.cardsWith('test-monitor')).toHaveLength(1);
  });

  it('posts an error with its message escaped', async () => {
    const id = await put('error', aspenError({ message: 'boom **[click](http://evil)**' }));
    expect(await delivery(id)).toMatchObject({ status: 'succeeded' });
    const [posted] = await card('boom');
    expect(posted!.text).toContain('boom \\\\*\\\\*\\\\[click\\\\](http://evil)\\\\*\\\\*');
  });

  it("posts an external check's alert, its escalation and its recovery as cards", async () => {
    await admin('put', '/api/v1/checks/teams-scan').send({ description: 'scan' }).expect(201);
    await report('teams-scan', 'error', 'first failure');
    await report('teams-scan', 'error', 'second failure');
    const [alert] = await card('ERROR: teams-scan');
    expect(alert!.actions[0]!.url).toBe(`${hub.hub.config.publicUrl}/checks/teams-scan`);
    await report('teams-scan', 'critical', 'all down');
    await card('Escalated to **critical** (was error)');
    await report('teams-scan', 'ok', 'back');
    await report('teams-scan', 'ok', 'still fine');
    await card('Recovered after');
  });

  it('waits out a 429 for its Retry-After and posts once', async () => {
    await waitForQuiet(hub, { task: 'deliver', timeoutMs: 10_000 });
    fake.failNext(1, { status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const id = await put('error', aspenError({ message: 'limited once' }));
    expect(await delivery(id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.cardsWith('limited once')).toHaveLength(1);
  });

  it('retries a 5xx and a timeout, and goes dead at once on a refusal', async () => {
    await waitForQuiet(hub, { task: 'deliver', timeoutMs: 10_000 });
    fake.failNext(1, { status: 502, body: 'bad gateway' });
    fake.failNext(1, { status: 202, delayMs: 1500 });
    const id = await put('error', aspenError({ message: 'after two failures' }));
    const done = await delivery(id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(done.lifecycle.filter((step) => step.status === 'failed').map((step) => step.detail)).toEqual([
      expect.objectContaining({ status: 502 }),
      expect.objectContaining({ code: 'HUB_ERR_TIMEOUT' }),
    ]);
    expect(fake.cardsWith('after two failures')).toHaveLength(1);

    await waitForQuiet(hub, { task: 'deliver', timeoutMs: 10_000 });
    fake.failNext(1, { status: 400, body: '{"error":{"code":"InvalidRequestContent"}}' });
    const refused = await put('error', aspenError({ message: 'refused for good' }));
    expect(await delivery(refused)).toMatchObject({ status: 'dead', attempts: 1, lastError: { permanent: true } });
    // The webhook's signature is a secret: it appears nowhere the hub shows.
    const view = await request(hub.url).get(`/api/v1/events/${refused}`).expect(200);
    expect(JSON.stringify(view.body)).not.toContain('fake-teams-signature');
  });

  it('sends through a stored route: deployment, error, alert, escalation and recovery', async () => {
    await admin('put', '/api/v1/notify/routes')
      .send({
        routes: [
          {
            name: 'everything to teams',
            match: { kind: ['deployment', 'error', 'alert', 'escalation', 'recovery'] },
            to: [{ target: 'teams', addresses: ['webhook'] }],
          },
        ],
      })
      .expect(200);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_200)); // replicas read routes again within 2 s
      const id = await put('deployment', aspenDeployment({ version: '9.9.9' }));
      expect(await delivery(id)).toMatchObject({
        status: 'succeeded',
        result: { details: { routes: { webhook: 'everything to teams' } } },
      });
      await card('9.9.9');
      const error = await put('error', aspenError({ message: 'routed error' }));
      expect(await delivery(error)).toMatchObject({
        result: { details: { routes: { webhook: 'everything to teams' } } },
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
