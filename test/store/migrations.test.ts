import request from 'supertest';
import { MIGRATIONS as DATABASE_MIGRATIONS } from '../../modules/database/migrations.js';
import { MODULES } from '../../modules/index.js';
import { CORE_MIGRATIONS } from '../../src/store/core-migrations.js';
import { createDb, type Db } from '../../src/store/db.js';
import { runMigrations, type Migration } from '../../src/store/migrate.js';
import { createTestDatabase } from '../support/database.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const SETS = [
  { owner: 'core', migrations: CORE_MIGRATIONS },
  { owner: 'database', migrations: DATABASE_MIGRATIONS },
];
const ALL_IDS = SETS.flatMap(({ owner, migrations }) => migrations.map((migration) => `${owner}:${migration.id}`));

async function tableExists(db: Db, name: string): Promise<boolean> {
  const result = await db.query<{ found: string | null }>('select to_regclass($1)::text as found', [name]);
  return result.rows[0]!.found !== null;
}

async function recordedIds(db: Db): Promise<string[]> {
  return (await db.query<{ id: string }>('select id from hub_migrations order by id')).rows.map((row) => row.id);
}

describe('migrations run by two hubs at the same moment', () => {
  let database: { url: string; drop: () => Promise<void> };
  let first: Db;
  let second: Db;

  beforeEach(async () => {
    database = await createTestDatabase();
    // Separate pools, as two hub processes would have.
    first = createDb(database.url, { max: 2 });
    second = createDb(database.url, { max: 2 });
  });
  afterEach(async () => {
    await first.close();
    await second.close();
    await database.drop();
  });

  it('both succeed, every migration is applied by exactly one of them and recorded once', async () => {
    const [a, b] = await Promise.all([runMigrations(first, SETS), runMigrations(second, SETS)]);

    // Whatever the interleaving, the two runs split the work without overlap and without gaps.
    expect([...a, ...b].sort()).toEqual([...ALL_IDS].sort());
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect(await recordedIds(first)).toEqual([...ALL_IDS].sort());
    const counts = await first.query<{ n: number }>(
      'select count(*)::int as n from hub_migrations group by id having count(*) > 1',
    );
    expect(counts.rows).toEqual([]);
    for (const table of [
      'events',
      'deliveries',
      'delivery_log',
      'hub_instances',
      'deployments',
      'error_reports',
      'recommendations',
    ]) {
      expect(await tableExists(first, table)).toBe(true);
    }
  });

  it('a later run finds nothing left to do', async () => {
    await Promise.all([runMigrations(first, SETS), runMigrations(second, SETS)]);
    await expect(runMigrations(first, SETS)).resolves.toEqual([]);
    await expect(runMigrations(second, SETS)).resolves.toEqual([]);
  });

  it('a failing migration names itself, is rolled back whole, and keeps the ones before it', async () => {
    const migrations: Migration[] = [
      { id: '001-ok', sql: 'create table t_ok (id integer primary key)' },
      {
        id: '002-broken',
        // The first two statements succeed; the third fails: none of the three may remain.
        sql: `create table t_half (id integer);
              insert into t_half values (1);
              select no_such_function()`,
      },
      { id: '003-after', sql: 'create table t_after (id integer)' },
    ];
    await expect(runMigrations(first, [{ owner: 'probe', migrations }])).rejects.toThrow(
      /^migration probe:002-broken failed: .*no_such_function/,
    );

    expect(await tableExists(first, 't_ok')).toBe(true);
    expect(await tableExists(first, 't_half')).toBe(false);
    expect(await tableExists(first, 't_after')).toBe(false);
    expect(await recordedIds(first)).toEqual(['probe:001-ok']);

    // The advisory lock was released: another pool can migrate at once, and the fixed migration then
    // applies on its own, followed by the one the failure held back.
    const fixed = migrations.map((migration) =>
      migration.id === '002-broken'
        ? { ...migration, sql: 'create table t_half (id integer); insert into t_half values (1)' }
        : migration,
    );
    const applied = await Promise.race([
      runMigrations(second, [{ owner: 'probe', migrations: fixed }]),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('migration lock still held')), 5_000).unref(),
      ),
    ]);
    expect(applied).toEqual(['probe:002-broken', 'probe:003-after']);
    expect((await first.query<{ n: number }>('select count(*)::int as n from t_half')).rows[0]!.n).toBe(1);
  });
});

describe('two hubs started at the same moment on one fresh database', () => {
  let database: { url: string; drop: () => Promise<void> };
  const hubs: TestHub[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(hubs.map((hub) => hub.stop()));
    await database.drop();
  });

  it('both start and answer ready, with the queue schema and every module migration applied once', async () => {
    const started = await Promise.allSettled([
      startTestHub({ databaseUrl: database.url, modules: MODULES }),
      startTestHub({ databaseUrl: database.url, modules: MODULES }),
    ]);
    for (const result of started) if (result.status === 'fulfilled') hubs.push(result.value);
    expect(started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'started'))).toEqual([
      'started',
      'started',
    ]);

    for (const hub of hubs) await request(hub.url).get('/ready').expect(200);

    const expected = [
      ...CORE_MIGRATIONS.map((migration) => `core:${migration.id}`),
      ...MODULES.flatMap((definition) =>
        (definition.migrations ?? []).map((migration) => `${definition.name}:${migration.id}`),
      ),
    ].sort();
    const db = hubs[0]!.hub.db;
    expect(await recordedIds(db)).toEqual(expected);
    // graphile-worker's own schema is complete too: both hubs' runners are working against it.
    const queue = await db.query<{ n: number }>('select count(*)::int as n from graphile_worker.migrations');
    expect(queue.rows[0]!.n).toBeGreaterThan(0);
    const instances = await db.query<{ n: number }>('select count(*)::int as n from hub_instances');
    expect(instances.rows[0]!.n).toBe(2);
  });
});
