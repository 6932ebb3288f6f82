import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { FakeSlack } from '../fakes/slack.js';
import { createTestDatabase } from '../support/database.js';
import type { TestHub } from '../support/hub.js';
import { startSlackHub, TOKEN } from '../modules/slack/helpers.js';

const ADMIN = 'config-twice-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };

const FILE = (endsAt: string) => `routes:
  - name: deployments
    match: { kind: [deployment] }
    to: [{ target: slack, addresses: ["#both"] }]
silences:
  - name: upgrade
    matchers: { application: [upgraded-app] }
    endsAt: "${endsAt}"
    reason: database upgrade
checks:
  - name: nightly-backup
`;

describe('one file applied by two replicas at once', () => {
  let fake: FakeSlack;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let hubs: TestHub[] = [];
  let dir: string;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: TOKEN });
    database = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-config-twice-'));
    await writeFile(path.join(dir, 'alvares.yaml'), FILE(new Date(Date.now() + 86_400_000).toISOString()));
    const env = { ADMIN_TOKEN: ADMIN, SLACK_CHANNELS: '#deployments', ALVARES_CONFIG: path.join(dir, 'alvares.yaml') };
    // Started together: both load and apply the same file at the same moment.
    hubs = await Promise.all([0, 1].map(() => startSlackHub(fake, { env, databaseUrl: database.url })));
  });
  afterAll(async () => {
    await Promise.all(hubs.map((hub) => hub.stop()));
    await database?.drop();
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const counts = async () => {
    const db = hubs[0]!.hub.db;
    const one = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
    return {
      silences: await one(`select count(*) as n from silences where origin = 'file'`),
      checks: await one(`select count(*) as n from checks`),
      routeChanges: await one(`select count(*) as n from notify_changes where name = 'routes'`),
    };
  };

  it('makes each object once, and applying the same file again changes nothing', async () => {
    expect(await counts()).toEqual({ silences: 1, checks: 1, routeChanges: 1 });
    const changes = await hubs[0]!.hub.db.query<{ who: string }>(
      `select who from notify_changes where name = 'routes'`,
    );
    expect(changes.rows[0]!.who).toBe(`file:${path.join(dir, 'alvares.yaml')}`);
    const again = await Promise.all(
      hubs.map((hub) => request(hub.url).post('/api/v1/admin/config/reload').set(auth).expect(200)),
    );
    for (const answer of again) expect(answer.body.diff).toMatchObject({ added: [], changed: [], removed: [] });
    expect(await counts()).toEqual({ silences: 1, checks: 1, routeChanges: 1 });
  });
});
