import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { discordModule } from '../../modules/discord/index.js';
import { teamsModule } from '../../modules/teams/index.js';
import type { DeliveryView } from '../../src/store/delivery-views.js';
import { FakeDiscord } from '../fakes/discord.js';
import { FakeTeams } from '../fakes/teams.js';
import { aspenDeployment, HOSTS_ENV } from '../support/aspen.js';
import { capturedLogger } from '../support/captured-logger.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

const ADMIN = 'notify-targets-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };
const OPS_ROUTES = {
  routes: [
    {
      name: 'ops deployments',
      match: { kind: ['deployment'], application: ['~^ops-'] },
      to: [{ target: 'teams-ops', addresses: ['webhook'] }],
    },
    { name: 'the rest', match: {}, to: [{ target: 'teams', addresses: ['webhook'] }] },
  ],
};

interface Listed {
  name: string;
  provider: string;
  origin: 'env' | 'api';
  settings?: Record<string, unknown>;
}

describe('notification targets added, changed and removed at run time, on two replicas', () => {
  let teams: FakeTeams;
  let discord: FakeDiscord;
  let first: TestHub;
  let second: TestHub;
  const logs = capturedLogger('debug');
  /** Every webhook the tests hand the hub: none may come back in an answer, a change log or a log line. */
  const opsUrl = () => teams.webhookUrlFor('0a5ops');
  const movedUrl = () => teams.webhookUrlFor('0b6moved');

  beforeAll(async () => {
    teams = await FakeTeams.start();
    discord = await FakeDiscord.start();
    const env = {
      ...HOSTS_ENV,
      ADMIN_TOKEN: ADMIN,
      TEAMS_WEBHOOK_URL: teams.webhookUrl,
      TEAMS_PACE_MS: '5',
      TEAMS_FOLLOW_UP_MS: '0',
      DISCORD_WEBHOOK_URL: discord.webhookUrl,
      DISCORD_PACE_MS: '5',
      IDEMPOTENCY_WINDOW_SECONDS: '0',
    };
    const modules = [databaseModule, teamsModule, discordModule];
    first = await startTestHub({ env, modules, logger: logs.logger });
    second = await startTestHub({ env, modules, databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await discord?.close();
    await teams?.close();
  });

  const list = async (hub: TestHub): Promise<Listed[]> =>
    (await request(hub.url).get('/api/v1/notify/targets').expect(200)).body.targets as Listed[];
  const deploy = async (hub: TestHub, applicationName: string, version: string): Promise<string> =>
    (await request(hub.url).put('/api/v1/deployment').send(aspenDeployment({ applicationName, version })).expect(200))
      .body.id as string;
  const delivered = (hub: TestHub, id: string, module = 'teams'): Promise<DeliveryView> =>
    waitFor(
      async () => {
        const view = await request(hub.url).get(`/api/v1/events/${id}`).expect(200);
        const found = (view.body.deliveries as DeliveryView[]).find((candidate) => candidate.module === module);
        return found && ['succeeded', 'dead'].includes(found.status) ? found : null;
      },
      10_000,
      `${module} delivery of ${id}`,
    );
  const flowsOf = (version: string) => teams.cardsWith(version).map((card) => card.flow);

  it('lists the environment-made targets with their origin, and refuses to store over one, naming its variable', async () => {
    expect((await list(first)).map(({ name, provider, origin }) => ({ name, provider, origin }))).toEqual([
      { name: 'teams', provider: 'teams', origin: 'env' },
      { name: 'discord', provider: 'discord', origin: 'env' },
    ]);
    const taken = await request(first.url)
      .put('/api/v1/notify/targets/teams')
      .set(auth)
      .send({ provider: 'teams', settings: { webhookUrl: opsUrl() } })
      .expect(409);
    expect(taken.body.error.message).toContain('TEAMS_WEBHOOK_URL');
    expect(JSON.stringify(taken.body)).not.toContain(opsUrl());
    const removeEnv = await request(first.url).delete('/api/v1/notify/targets/discord').set(auth).expect(409);
    expect(removeEnv.body.error.message).toContain('DISCORD_WEBHOOK_URL');
  });

  it('answers bad input with a 4xx naming the field, never echoing a secret', async () => {
    const secretish = 'ftp://user:hunter2-very-secret@example.test/hook';
    const bad = await request(first.url)
      .put('/api/v1/notify/targets/teams-ops')
      .set(auth)
      .send({ provider: 'teams', settings: { webhookUrl: secretish } })
      .expect(400);
    expect(bad.body.error.fields).toEqual([expect.objectContaining({ field: 'settings.webhookUrl' })]);
    expect(JSON.stringify(bad.body)).not.toContain('hunter2');

    const missing = await request(first.url)
      .put('/api/v1/notify/targets/teams-ops')
      .set(auth)
      .send({ provider: 'teams', settings: {} })
      .expect(400);
    expect(missing.body.error.fields).toEqual([expect.objectContaining({ field: 'settings.webhookUrl' })]);

    const unknownKey = await request(first.url)
      .put('/api/v1/notify/targets/teams-ops')
      .set(auth)
      .send({ provider: 'teams', settings: { webhookUrl: opsUrl(), colour: 'red' } })
      .expect(400);
    expect(JSON.stringify(unknownKey.body.error.fields)).toContain('colour');

    const provider = await request(first.url)
      .put('/api/v1/notify/targets/teams-ops')
      .set(auth)
      .send({ provider: 'carrier-pigeon', settings: {} })
      .expect(400);
    expect(provider.body.error.fields).toEqual([expect.objectContaining({ field: 'provider' })]);

    const name = await request(first.url)
      .put('/api/v1/notify/targets/Teams%20Ops')
      .set(auth)
      .send({ provider: 'teams', settings: { webhookUrl: opsUrl() } })
      .expect(400);
    expect(JSON.stringify(name.body.error.fields)).toContain('name');

    await request(first.url)
      .put('/api/v1/notify/targets/teams-ops')
      .send({ provider: 'teams', settings: { webhookUrl: opsUrl() } })
      .expect(401);
    await request(first.url).delete('/api/v1/notify/targets/nothing-here').set(auth).expect(404);
    expect(await list(first)).toHaveLength(2);
  });

  it('adds a second Teams target; every replica lists it within 5 s, its webhook shown only as (set)', async () => {
    const stored = await request(first.url)
      .put('/api/v1/notify/targets/teams-ops')
      .set(auth)
      .send({ provider: 'teams', settings: { webhookUrl: opsUrl(), paceMs: 5 } })
      .expect(200);
    expect(stored.body).toEqual({
      name: 'teams-ops',
      provider: 'teams',
      origin: 'api',
      settings: { webhookUrl: '(set)', paceMs: 5 },
    });
    const started = Date.now();
    const seen = await waitFor(
      async () => (await list(second)).find((target) => target.name === 'teams-ops'),
      5_000,
      'the new target on the second replica',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(seen).toMatchObject({ provider: 'teams', origin: 'api', settings: { webhookUrl: '(set)', paceMs: 5 } });
    const one = await request(second.url).get('/api/v1/notify/targets/teams-ops').expect(200);
    expect(one.body.settings.webhookUrl).toBe('(set)');
    for (const hub of [first, second]) {
      const body = JSON.stringify((await request(hub.url).get('/api/v1/notify/targets').expect(200)).body);
      expect(body).not.toContain(opsUrl());
      expect(body).not.toContain('0a5ops');
    }
    const page = await request(first.url).get('/notifications').expect(200);
    expect(page.text).toMatch(/<tr data-target="teams-ops" data-origin="api">/);
    expect(page.text).toMatch(/<tr data-target="teams" data-origin="env">/);
    expect(page.text).not.toContain('0a5ops');
  });

  it('sends what a stored route names for the stored target to its own webhook, the rest to the environment one', async () => {
    // Under the default routing a stored target is sent nothing: it has no default of its own.
    const before = await deploy(first, 'ops-portal', '0.0.1-default');
    expect((await delivered(first, before)).status).toBe('succeeded');
    await waitFor(() => flowsOf('0.0.1-default').length === 1, 8_000, 'the card under the default routing');
    expect(flowsOf('0.0.1-default')).toEqual(['0f1e2d']);

    // The second replica validates the route's target names against what it knows: the stored target included.
    await request(second.url).put('/api/v1/notify/routes').set(auth).send(OPS_ROUTES).expect(200);
    // Every replica follows within its reload window (2 s).
    await waitFor(
      async () => (await request(first.url).get('/api/v1/notify/routes').expect(200)).body.source === 'stored',
      5_000,
      'the routes on the first replica',
    );
    const ops = await deploy(second, 'ops-portal', '1.0.0-ops');
    const other = await deploy(first, 'kth-web', '1.0.0-web');
    const opsDelivery = await delivered(first, ops);
    expect(opsDelivery.status).toBe('succeeded');
    expect((await delivered(first, other)).status).toBe('succeeded');
    await waitFor(() => flowsOf('1.0.0-ops').length > 0 && flowsOf('1.0.0-web').length > 0, 8_000, 'both cards');
    expect(flowsOf('1.0.0-ops')).toEqual(['0a5ops']);
    expect(flowsOf('1.0.0-web')).toEqual(['0f1e2d']);
    // One Teams delivery served both targets; the result names each.
    expect((opsDelivery.result as { summary: string }).summary).toContain('teams-ops: posted to webhook');
    const explained = await request(second.url)
      .post('/api/v1/notify/test')
      .set(auth)
      .send({ type: 'deployment', payload: aspenDeployment({ applicationName: 'ops-portal' }) })
      .expect(200);
    expect(explained.body.sends).toContainEqual(
      expect.objectContaining({ target: 'teams-ops', address: 'webhook', route: 'ops deployments' }),
    );
  });

  it('changes the target: a PUT without the secret keeps it; a new webhook takes effect on every replica', async () => {
    await request(first.url)
      .put('/api/v1/notify/targets/teams-ops')
      .set(auth)
      .send({ provider: 'teams', settings: { paceMs: 10 } })
      .expect(200);
    const kept = await deploy(first, 'ops-portal', '1.1.0-kept');
    expect((await delivered(first, kept)).status).toBe('succeeded');
    await waitFor(() => flowsOf('1.1.0-kept').length > 0, 8_000, 'the card after a change without the secret');
    expect(flowsOf('1.1.0-kept')).toEqual(['0a5ops']);

    await request(first.url)
      .put('/api/v1/notify/targets/teams-ops')
      .set(auth)
      .send({ provider: 'teams', settings: { webhookUrl: movedUrl(), paceMs: 10 } })
      .expect(200);
    // Give the second replica its reload window, then send there: it must post to the new webhook.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const moved = await deploy(second, 'ops-portal', '1.2.0-moved');
    expect((await delivered(second, moved)).status).toBe('succeeded');
    await waitFor(() => flowsOf('1.2.0-moved').length > 0, 8_000, 'the card at the new webhook');
    expect(flowsOf('1.2.0-moved')).toEqual(['0b6moved']);

    const changed = await request(first.url)
      .put('/api/v1/notify/targets/teams-ops')
      .set(auth)
      .send({ provider: 'discord', settings: { webhookUrl: discord.webhookUrl } })
      .expect(409);
    expect(changed.body.error.message).toContain('teams target');
  });

  it('refuses to remove a target a stored route names, then removes it everywhere once the route is gone', async () => {
    const used = await request(first.url).delete('/api/v1/notify/targets/teams-ops').set(auth).expect(409);
    expect(used.body.error.message).toContain('ops deployments');
    await request(first.url)
      .put('/api/v1/notify/routes')
      .set(auth)
      .send({ routes: [OPS_ROUTES.routes[1]] })
      .expect(200);
    await request(first.url).delete('/api/v1/notify/targets/teams-ops').set(auth).expect(200);
    // The second replica follows the routes within its reload window too.
    await waitFor(
      async () => (await request(second.url).get('/api/v1/notify/routes').expect(200)).body.routes.length === 1,
      5_000,
      'the routes on the second replica',
    );
    expect((await list(first)).map((target) => target.name)).toEqual(['teams', 'discord']);
    await waitFor(
      async () => !(await list(second)).some((target) => target.name === 'teams-ops'),
      5_000,
      'the target gone from the second replica',
    );
    // A route may no longer name it.
    const refused = await request(first.url).put('/api/v1/notify/routes').set(auth).send(OPS_ROUTES).expect(400);
    expect(JSON.stringify(refused.body.error.fields)).toContain('routes.0.to.0.target');
    const after = await deploy(second, 'ops-portal', '1.3.0-after');
    expect((await delivered(second, after)).status).toBe('succeeded');
    await waitFor(() => flowsOf('1.3.0-after').length > 0, 8_000, 'the card after removal');
    expect(flowsOf('1.3.0-after')).toEqual(['0f1e2d']);
  });

  it('serves a stored Discord target beside the environment one', async () => {
    const other = await FakeDiscord.start();
    try {
      await request(first.url)
        .put('/api/v1/notify/targets/discord-two')
        .set(auth)
        .send({ provider: 'discord', settings: { webhookUrl: other.webhookUrl } })
        .expect(200);
      await request(first.url)
        .put('/api/v1/notify/routes')
        .set(auth)
        .send({
          routes: [
            {
              name: 'to discord-two',
              match: { kind: ['deployment'] },
              to: [{ target: 'discord-two', addresses: ['webhook'] }],
            },
          ],
        })
        .expect(200);
      const id = await deploy(first, 'kth-web', '2.0.0-discord');
      expect((await delivered(first, id, 'discord')).status).toBe('succeeded');
      await waitFor(() => other.with('2.0.0-discord').length > 0, 8_000, 'the message at the second Discord webhook');
      expect(discord.with('2.0.0-discord')).toEqual([]);
      await request(first.url).delete('/api/v1/notify/routes').set(auth).expect(200);
      await request(first.url).delete('/api/v1/notify/targets/discord-two').set(auth).expect(200);
    } finally {
      await other.close();
    }
  });

  it('logs every change (who, when, before and after) with secrets as (set), and no webhook in any log line', async () => {
    const changes = await first.hub.db.query<{ who: string; at: Date; before: unknown; after: unknown }>(
      `select who, at, before, after from notify_changes where name = 'target:teams-ops' order by id`,
    );
    expect(changes.rows.map((row) => [row.before === null, row.after === null])).toEqual([
      [true, false],
      [false, false],
      [false, false],
      [false, true],
    ]);
    expect(changes.rows[0]).toMatchObject({
      who: 'admin',
      after: { provider: 'teams', settings: { webhookUrl: '(set)', paceMs: 5 } },
    });
    expect(changes.rows[1]!.after).toEqual({ provider: 'teams', settings: { webhookUrl: '(set)', paceMs: 10 } });
    expect(changes.rows[0]!.at).toBeInstanceOf(Date);
    const logged = JSON.stringify(changes.rows);
    for (const url of [opsUrl(), movedUrl()]) {
      expect(logged).not.toContain(url);
      expect(logs.text()).not.toContain(url);
    }
    expect(logged).not.toContain('0a5ops');
    expect(logs.text()).not.toContain('0b6moved');
  });
});
