import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { webhookModule } from '../../modules/webhook/index.js';
import { createDb, type Db } from '../../src/store/db.js';
import { pruneExpired } from '../../src/store/retention.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

describe('pruning what the hub no longer needs', () => {
  let hub: TestHub;
  let db: Db;
  const subscriber = new FakeSubscriber();

  beforeAll(async () => {
    await subscriber.start();
    hub = await startTestHub({ modules: [databaseModule, webhookModule], env: { WEBHOOK_URL: subscriber.url } });
    db = createDb(hub.databaseUrl, { max: 2 });
  });
  afterAll(async () => {
    await db.close();
    await hub.stop();
    await subscriber.stop();
  });

  async function put(version: string, headers: Record<string, string> = {}): Promise<string> {
    return (
      await request(hub.url).put('/api/v1/deployment').set(headers).send(aspenDeployment({ version })).expect(200)
    ).body.id;
  }

  async function settled(id: string): Promise<void> {
    await waitFor(
      async () => {
        const rows = await db.query<{ status: string }>('select status from deliveries where event_id = $1', [id]);
        return rows.rows.length === 2 && rows.rows.every((row) => row.status === 'succeeded');
      },
      10_000,
      `deliveries of ${id}`,
    );
  }

  const count = async (sql: string, params: unknown[]) => (await db.query<{ n: number }>(sql, params)).rows[0]!.n;

  it('deletes old finished events with their deliveries and keys, keeps recent ones and unfinished ones', async () => {
    const old = await put('old');
    const oldWithKey = await put('old-keyed', { 'Idempotency-Key': 'prune-me' });
    const unfinished = await put('old-but-retrying');
    const recent = await put('recent');
    for (const id of [old, oldWithKey, unfinished, recent]) await settled(id);
    // Age three of them past a 30-day retention; one of those still has a delivery waiting to retry.
    await db.query(`update events set received_at = now() - interval '40 days' where id = any($1::uuid[])`, [
      [old, oldWithKey, unfinished],
    ]);
    await db.query(`update deliveries set status = 'failed' where event_id = $1 and module = 'webhook'`, [unfinished]);
    // Key windows: every body-hash key of these four expires now, the Idempotency-Key never does.
    await db.query(`update event_keys set expires_at = now() - interval '1 second' where expires_at <> 'infinity'`);
    await db.query(
      `insert into scheduled_runs (schedule, fired_at, hub, status) values ('core.prune', now() - interval '40 days', 'old-hub', 'succeeded'),
                                                                          ('core.prune', now(), 'this-hub', 'succeeded')`,
    );

    // The live feed of these four deliveries, aged past its day; what the hub writes from now on stays.
    const aged = (await db.query(`update status_activity set at = now() - interval '25 hours'`)).rowCount ?? 0;
    expect(aged).toBeGreaterThan(0);

    const pruned = await pruneExpired(db, 30);

    expect(pruned).toEqual({ keys: 3, events: 2, runs: 1, activity: aged });
    const left = (
      await db.query<{ id: string }>('select id from events where id = any($1::uuid[]) order by received_at', [
        [old, oldWithKey, unfinished, recent],
      ])
    ).rows.map((row) => row.id);
    expect(left).toEqual([unfinished, recent]);
    expect(
      await count('select count(*)::int as n from deliveries where event_id = any($1::uuid[])', [[old, oldWithKey]]),
    ).toBe(0);
    expect(
      await count(
        'select count(*)::int as n from delivery_log l join deliveries d on d.id = l.delivery_id where d.event_id = any($1::uuid[])',
        [[old, oldWithKey]],
      ),
    ).toBe(0);
    // The Idempotency-Key went with its event; the dedupe keys still in their window stay.
    expect(await count(`select count(*)::int as n from event_keys where key like 'k:%prune-me'`, [])).toBe(0);
    expect(await count('select count(*)::int as n from scheduled_runs', [])).toBe(1);
    // The deployment history is the database module's own and keeps every deployment.
    expect(
      await count('select count(*)::int as n from deployments where version = any($1)', [
        ['old', 'old-keyed', 'old-but-retrying', 'recent'],
      ]),
    ).toBe(4);
  });

  it('keeps every event with a retention of 0, and still drops expired keys', async () => {
    const id = await put('kept-forever');
    await settled(id);
    await db.query(`update events set received_at = now() - interval '4000 days' where id = $1`, [id]);
    await db.query(`update event_keys set expires_at = now() - interval '1 second' where event_id = $1`, [id]);
    expect(await pruneExpired(db, 0)).toEqual({ keys: 1, events: 0, runs: 0, activity: 0 });
    expect(await count('select count(*)::int as n from events where id = $1', [id])).toBe(1);
  });
});
