import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { teamsModule } from '../../modules/teams/index.js';
import { FakeTeams } from '../fakes/teams.js';
import { aspenDeployment, HOSTS_ENV } from '../support/aspen.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const ADMIN = 'config-targets-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };

const WITH_TARGET = `targets:
  teams-ops:
    provider: teams
    settings:
      webhookUrl: \${OPS_WEBHOOK}
routes:
  - name: ops
    match: { kind: [deployment] }
    to: [{ target: teams-ops, addresses: [webhook] }]
`;
const WITHOUT_TARGET = `routes:
  - name: ops
    match: { kind: [deployment] }
    to: [{ target: teams, addresses: [webhook] }]
`;

describe('targets held by the configuration file', () => {
  let teams: FakeTeams;
  let hub: TestHub;
  let dir: string;
  let file: string;
  let opsUrl: string;

  beforeAll(async () => {
    teams = await FakeTeams.start();
    opsUrl = teams.webhookUrlFor('0a5ops');
    dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-config-targets-'));
    file = path.join(dir, 'alvares.yaml');
    await writeFile(file, WITH_TARGET);
    hub = await startTestHub({
      env: {
        ...HOSTS_ENV,
        ADMIN_TOKEN: ADMIN,
        TEAMS_WEBHOOK_URL: teams.webhookUrl,
        OPS_WEBHOOK: opsUrl,
        ALVARES_CONFIG: file,
      },
      modules: [databaseModule, teamsModule],
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await teams?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const routed = async () =>
    (
      (
        await request(hub.url)
          .post('/api/v1/notify/test')
          .set(auth)
          .send({ type: 'deployment', payload: aspenDeployment() })
          .expect(200)
      ).body as { sends: Array<{ target: string }> }
    ).sends.map((send) => send.target);

  it('stores the file’s target through the targets’ store, routes to it, and refuses API writes to it', async () => {
    const listed = await request(hub.url).get('/api/v1/notify/targets').expect(200);
    expect(listed.body.targets).toContainEqual(expect.objectContaining({ name: 'teams-ops', provider: 'teams' }));
    expect(JSON.stringify(listed.body)).not.toContain(opsUrl);
    expect(await routed()).toEqual(['teams-ops']);
    const objects = await request(hub.url).get('/api/v1/config/objects').set(auth).expect(200);
    expect(objects.body.objects).toContainEqual({ kind: 'target', key: 'teams-ops', origin: 'file', file });
    const refused = await request(hub.url)
      .put('/api/v1/notify/targets/teams-ops')
      .set(auth)
      .send({ provider: 'teams', settings: { webhookUrl: teams.webhookUrlFor('0c7mine') } })
      .expect(409);
    expect(refused.body.error.message).toContain(file);
    await request(hub.url).delete('/api/v1/notify/targets/teams-ops').set(auth).expect(409);
  });

  it('exports the target with its secret as the reference it came from, and the export validates to no change', async () => {
    const exported = await request(hub.url).get('/api/v1/config/export').set(auth).expect(200);
    expect(exported.text).toContain('webhookUrl: ${OPS_WEBHOOK}');
    expect(exported.text).not.toContain(opsUrl);
    const validated = await request(hub.url)
      .post('/api/v1/config/validate')
      .set(auth)
      .send({ yaml: exported.text })
      .expect(200);
    expect(validated.body).toMatchObject({ valid: true, diff: { added: [], changed: [], removed: [] } });
  });

  it('removes the target when the file no longer holds it', async () => {
    await writeFile(file, WITHOUT_TARGET);
    const reloaded = await request(hub.url).post('/api/v1/admin/config/reload').set(auth).expect(200);
    expect(reloaded.body.diff.removed).toEqual([{ kind: 'target', key: 'teams-ops' }]);
    const listed = await request(hub.url).get('/api/v1/notify/targets').expect(200);
    expect((listed.body.targets as Array<{ name: string }>).map((target) => target.name)).toEqual(['teams']);
    expect(await routed()).toEqual(['teams']);
  });
});
