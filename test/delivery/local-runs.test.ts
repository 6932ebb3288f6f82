import type pg from 'pg';
import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { webhookModule } from '../../modules/webhook/index.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

interface Row {
  module: string;
  status: string;
  attempts: number;
  claimed_by: string | null;
  event_job: boolean;
  /** Queue jobs naming the delivery: its event's job or one of its own. */
  jobs: number;
}

async function rowsOf(db: pg.Pool | pg.Client, eventId: string): Promise<Row[]> {
  const result = await db.query<Row>(
    `select d.module, d.status, d.attempts, d.claimed_by, d.event_job,
            (select count(*)::int from graphile_worker._private_jobs j
             where j.payload->>'deliveryId' = d.id::text
                or exists (select 1 from json_array_elements(j.payload->'deliveries') listed where listed->>'id' = d.id::text)) as jobs
     from deliveries d where d.event_id = $1 order by d.module`,
    [eventId],
  );
  return result.rows;
}

/**
 * The hub that ingests an event runs its deliveries itself while it has room (WORKER_CONCURRENCY at a time):
 * they are stored in progress and claimed by it, with no queue job. Past that room they go to the queue.
 * What happens to them when their hub stops or dies: crash-safety.test.ts and replicas.test.ts.
 */
describe('deliveries run by the hub that ingested their event', () => {
  let subscriber: FakeSubscriber;
  let hub: TestHub;

  beforeAll(async () => {
    subscriber = new FakeSubscriber();
    await subscriber.start();
    // Room for four times WORKER_CONCURRENCY deliveries run without a job: four here.
    hub = await startTestHub({
      env: { WEBHOOK_URL: subscriber.url, WORKER_CONCURRENCY: '1' },
      modules: [databaseModule, webhookModule],
    });
  });
  afterAll(async () => {
    await hub.stop();
    await subscriber.stop();
  });

  it('runs them at once under its own id, with no queue job, and ends them like any other', async () => {
    subscriber.stall(1_000, 1);
    const answer = await request(hub.url)
      .put('/api/v1/deployment')
      .send(aspenDeployment({ version: 'local-1' }))
      .expect(200);
    const id = answer.body.id as string;
    await waitFor(() => subscriber.received.length === 1, 10_000, 'the webhook call started');

    const hubId = (await hub.hub.db.query<{ id: string }>('select id from hub_instances')).rows[0]!.id;
    const running = (await rowsOf(hub.hub.db.pool, id)).find((row) => row.module === 'webhook')!;
    expect(running).toEqual({
      module: 'webhook',
      status: 'in_progress',
      attempts: 1,
      claimed_by: hubId,
      event_job: false,
      jobs: 0,
    });

    const done = await waitFor(
      async () => {
        const rows = await rowsOf(hub.hub.db.pool, id);
        return rows.every((row) => row.status === 'succeeded') ? rows : null;
      },
      10_000,
      'both deliveries succeeded',
    );
    expect(done.map(({ module, attempts, claimed_by, jobs }) => ({ module, attempts, claimed_by, jobs }))).toEqual([
      { module: 'database', attempts: 1, claimed_by: null, jobs: 0 },
      { module: 'webhook', attempts: 1, claimed_by: null, jobs: 0 },
    ]);
    const event = await request(hub.url).get(`/api/v1/events/${id}`).expect(200);
    for (const delivery of event.body.deliveries) {
      expect(delivery.lifecycle.map((step: { status: string }) => step.status)).toEqual([
        'queued',
        'in_progress',
        'succeeded',
      ]);
    }
  });

  it('queues an event whose deliveries do not fit in the room left, and runs them from the queue', async () => {
    // Three events' webhook calls hold three of the four places; the next event needs two.
    subscriber.stall(1_500, 3);
    const holding: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const id = (
        await request(hub.url)
          .put('/api/v1/deployment')
          .send(aspenDeployment({ version: `local-2-${i}` }))
          .expect(200)
      ).body.id as string;
      await waitFor(async () =>
        (await rowsOf(hub.hub.db.pool, id)).some((row) => row.module === 'database' && row.status === 'succeeded'),
      );
      holding.push(id);
    }
    const first = holding[0]!;
    const second = (
      await request(hub.url)
        .put('/api/v1/deployment')
        .send(aspenDeployment({ version: 'queued-2' }))
        .expect(200)
    ).body.id as string;

    const queued = await rowsOf(hub.hub.db.pool, second);
    expect(queued.every((row) => row.event_job && row.claimed_by === null)).toBe(true);
    const done = await waitFor(
      async () => {
        const rows = await rowsOf(hub.hub.db.pool, second);
        return rows.every((row) => row.status === 'succeeded') ? rows : null;
      },
      10_000,
      "the queued event's deliveries succeeded",
    );
    expect(done.map((row) => row.attempts)).toEqual([1, 1]);
    expect((await rowsOf(hub.hub.db.pool, first)).map((row) => row.event_job)).toEqual([false, false]);
  });
});
