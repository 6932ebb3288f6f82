import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../src/store/db.js';
import { LIFECYCLE } from '../../src/store/delivery-views.js';
import { FakeSlack } from '../fakes/slack.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment } from '../support/aspen.js';
import { createTestDatabase } from '../support/database.js';
import { waitFor } from '../support/hub.js';
import { spawnHub, type HubProcess } from '../support/process-hub.js';

/**
 * Hub replicas as users run them: separate processes on one PostgreSQL. Each replica's WEBHOOK_URL points
 * at a FakeSubscriber of its own, so the receiver that got a webhook request tells which replica ran
 * that delivery (a job runs only in the process that took it from the queue).
 */

async function put(url: string, version: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/deployment`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(aspenDeployment({ version })),
  });
  if (res.status !== 200) throw new Error(`PUT to ${url} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

function eventIdsOf(subscriber: FakeSubscriber, among: ReadonlySet<string>): string[] {
  return subscriber.eventIds().filter((id) => among.has(id));
}

/** How long C's receiver holds each call: far longer than C lives once it holds work (it is killed within seconds). */
const HANG_MS = 15_000;

interface DeliveryRow {
  id: string;
  event_id: string;
  module: string;
  status: string;
  attempts: number;
  finished_ms: number | null;
  steps: string;
  /** Who holds it: the queue worker locking its job, or the hub running it itself (an event it ingested). */
  held_by: string | null;
}

describe('two hub replicas on one PostgreSQL', () => {
  let database: { url: string; drop: () => Promise<void> };
  // The hub's own pool wrapper: it keeps a connection ended by the database drop from throwing.
  let pool: Db;
  // One Slack for every replica, answering each post late: a replica killed meanwhile never learns it landed.
  let slack: FakeSlack;
  const subscribers: FakeSubscriber[] = [];
  const processes: HubProcess[] = [];
  const dataDirs: string[] = [];

  async function startReplica(name: string, subscriber: FakeSubscriber): Promise<HubProcess> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), `alvares-replica-${name}-`));
    dataDirs.push(dataDir);
    const hub = await spawnHub({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      WEBHOOK_URL: subscriber.url,
      WORKER_CONCURRENCY: '4',
      // Deployments go to database, webhook and slack (lighthouse is on by default, with nothing to audit).
      DISABLED_SUBSCRIBERS: 'lighthouse',
      SLACK_TOKEN: 'xoxb-replica-test',
      SLACK_API_BASE_URL: slack.apiUrl,
    });
    processes.push(hub);
    return hub;
  }

  async function newSubscriber(): Promise<FakeSubscriber> {
    const subscriber = new FakeSubscriber();
    await subscriber.start();
    subscribers.push(subscriber);
    return subscriber;
  }

  async function deliveries(eventIds: string[]): Promise<DeliveryRow[]> {
    const result = await pool.query<DeliveryRow>(
      `select d.id, d.event_id, d.module, d.status, d.attempts,
              (extract(epoch from d.finished_at) * 1000)::float8 as finished_ms,
              -- The lifecycle as GET /api/v1/events/:id shows it.
              (select string_agg(s.step->>'status', ',' order by s.n) from json_array_elements((${LIFECYCLE})) with ordinality as s(step, n)) as steps,
              -- Who holds it: the hub running it itself (claimed_by), else the queue's own record of who holds its job
              -- (a worker or a hub's local queue): its event's job, or one of its own. The public jobs view does not
              -- show payloads, which is where the ids are.
              coalesce(d.claimed_by, (select j.locked_by from graphile_worker._private_jobs j
               where j.payload->>'deliveryId' = d.id::text
                  or exists (select 1 from json_array_elements(j.payload->'deliveries') listed where listed->>'id' = d.id::text)
               order by j.id desc limit 1)) as held_by
       -- Slack's deliveries wait for their channel's turn (deferred, unlocked); they are checked on their own.
       from deliveries d where d.event_id = any($1::uuid[]) and d.module <> 'slack' order by d.event_id, d.module`,
      [eventIds],
    );
    return result.rows;
  }

  function settled(rows: DeliveryRow[], expected: number): boolean {
    return rows.length === expected && rows.every((row) => row.status === 'succeeded');
  }

  /** Every deployment of the burst test, for the Slack check after the kill. */
  const burstIds: string[] = [];
  let replicaA: HubProcess;
  let replicaB: HubProcess;
  let receiverA: FakeSubscriber;
  let receiverB: FakeSubscriber;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createDb(database.url, { max: 2 });
    slack = await FakeSlack.start({ token: 'xoxb-replica-test', rateLimit: { burst: 3, intervalMs: 1000 } });
    slack.delayAnswers(1000);
    receiverA = await newSubscriber();
    receiverB = await newSubscriber();
    // Started together, as a deployment rolls out replicas: their start-up migrations race as well.
    [replicaA, replicaB] = await Promise.all([startReplica('a', receiverA), startReplica('b', receiverB)]);
  }, 60_000);

  afterAll(async () => {
    for (const hub of processes) {
      if (hub.child.exitCode === null && hub.child.signalCode === null) {
        hub.child.kill('SIGTERM');
        const ended = await Promise.race([
          hub.exited,
          new Promise((resolve) => setTimeout(() => resolve(null), 10_000).unref()),
        ]);
        if (ended === null) {
          hub.child.kill('SIGKILL');
          await hub.exited;
        }
      }
    }
    await pool?.close();
    for (const subscriber of subscribers) await subscriber.stop();
    await slack?.close();
    await database?.drop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('share a burst PUT to both: every delivery runs exactly once, on one replica or the other, and both take part', async () => {
    const count = 40;
    // A little latency per webhook call, so one replica cannot drain the burst before the other's idle workers
    // are woken by the same notifications.
    receiverA.stall(100, count);
    receiverB.stall(100, count);
    const ids = await Promise.all(
      Array.from({ length: count }, (_, i) => put(i % 2 === 0 ? replicaA.url : replicaB.url, `replica-burst-${i}`)),
    );
    expect(new Set(ids).size).toBe(count);

    const rows = await waitFor(
      async () => {
        const current = await deliveries(ids);
        return settled(current, count * 2) ? current : null;
      },
      30_000,
      'every delivery of the burst succeeded',
    );

    // One delivery per (event, module), each succeeded on its first attempt with a single claim.
    expect(rows.filter((row) => row.module === 'database')).toHaveLength(count);
    expect(rows.filter((row) => row.module === 'webhook')).toHaveLength(count);
    expect(rows.filter((row) => row.attempts !== 1)).toEqual([]);
    expect(rows.filter((row) => row.steps !== 'queued,in_progress,succeeded')).toEqual([]);
    // No job left behind to run again (completions may be batched, and Slack's wait for their channel's turn).
    // Schedules' ticks are always waiting for their next time: they are not work left behind.
    await waitFor(
      async () =>
        (
          await pool.query<{ n: number }>(
            "select count(*)::int as n from graphile_worker.jobs where task_identifier <> 'schedule'",
          )
        ).rows[0]!.n === 0,
      20_000,
      'the queue drained',
    );
    burstIds.push(...ids);

    // Exactly one webhook request per event across both receivers, each a first attempt.
    const burst = new Set(ids);
    const byA = eventIdsOf(receiverA, burst);
    const byB = eventIdsOf(receiverB, burst);
    expect([...byA, ...byB].sort()).toEqual([...ids].sort());
    const attemptHeaders = [...receiverA.received, ...receiverB.received].map(
      (request) => request.headers['x-alvares-attempt'],
    );
    expect(new Set(attemptHeaders)).toEqual(new Set(['1']));
    // Both replicas ran deliveries.
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
  }, 45_000);

  it('when a replica is SIGKILLed holding stalled deliveries, the survivor completes them within 30 s', async () => {
    // A leaves cleanly; C joins, takes work whose webhook calls hang, and is killed holding it.
    replicaA.child.kill('SIGTERM');
    expect(await replicaA.exited).toBe(0);
    const known = new Set((await pool.query<{ id: string }>('select id from hub_instances')).rows.map((row) => row.id));
    const receiverC = await newSubscriber();
    receiverC.stall(HANG_MS, 100);
    const replicaC = await startReplica('c', receiverC);
    // C's identities, from the heartbeat row it added: the jobs its queue workers lock, and the deliveries it
    // runs itself under its own id, are the ones C holds.
    const workersOfC = await waitFor(
      async () => {
        const rows = (
          await pool.query<{ id: string; worker_ids: string[] }>('select id, worker_ids from hub_instances')
        ).rows;
        const added = rows.filter((row) => !known.has(row.id));
        return added.length === 1 && added[0]!.worker_ids.length > 0
          ? new Set([added[0]!.id, ...added[0]!.worker_ids])
          : null;
      },
      10_000,
      "C's heartbeat",
    );

    const ids: string[] = [];
    let held: DeliveryRow[] = [];
    const callsHanging = () =>
      held.filter((row) => row.status === 'in_progress' && eventIdsOf(receiverC, new Set(ids)).includes(row.event_id));
    // Batches go to both replicas until C hangs in at least two calls (which replica takes a job is a race).
    while (callsHanging().length < 2 && ids.length < 60) {
      ids.push(
        ...(await Promise.all(
          [0, 1, 2, 3].map((i) => put(i % 2 === 0 ? replicaB.url : replicaC.url, `kill-${ids.length + i}`)),
        )),
      );
      // Every job taken: what B ran has succeeded, the rest is locked by C (running, or waiting in its local queue).
      held = await waitFor(
        async () => {
          const rows = await deliveries(ids);
          const unfinished = rows.filter((row) => row.status !== 'succeeded');
          const allTaken =
            rows.length === ids.length * 2 &&
            unfinished.every((row) => row.held_by !== null && workersOfC.has(row.held_by));
          return allTaken ? unfinished : null;
        },
        10_000,
        'the batch taken by the replicas',
      );
    }
    expect(callsHanging().length).toBeGreaterThanOrEqual(2);

    replicaC.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await replicaC.exited).toBe('SIGKILL');
    // What C held when it died, read after the fact: nothing can move it now until the survivor's sweep.
    const atDeath = (await deliveries(ids)).filter((row) => row.status !== 'succeeded');
    expect(atDeath.filter((row) => row.held_by === null || !workersOfC.has(row.held_by))).toEqual([]);
    const heldIds = new Set(atDeath.map((row) => row.id));
    const interruptedIds = new Set(atDeath.filter((row) => row.status === 'in_progress').map((row) => row.id));
    expect(interruptedIds.size).toBeGreaterThanOrEqual(2);

    const rows = await waitFor(
      async () => {
        const current = await deliveries(ids);
        return settled(current, ids.length * 2) ? current : null;
      },
      40_000,
      'every delivery succeeded after the kill',
    ).catch(async (error: Error) => {
      // Enough to tell a late sweep from a lost job: what is unfinished, who locks it, what B said.
      const unfinished = (await deliveries(ids)).filter((row) => row.status !== 'succeeded');
      const instances = (await pool.query('select id, worker_ids, heartbeat_at from hub_instances')).rows;
      const survivor = {
        exit: replicaB.child.exitCode ?? replicaB.child.signalCode,
        lastLines: replicaB.output().trim().split('\n').slice(-12),
      };
      throw new Error(
        `${error.message} (${Date.now() - killedAt} ms after the kill)\n${JSON.stringify({ unfinished, instances, survivor }, null, 1)}`,
      );
    });
    expect(Date.now() - killedAt).toBeLessThan(30_000);

    // Everything C held was finished by B after the kill, within 30 s of it.
    for (const row of rows.filter((candidate) => heldIds.has(candidate.id))) {
      expect(row.finished_ms).toBeGreaterThan(killedAt);
      expect(row.finished_ms! - killedAt).toBeLessThan(30_000);
    }
    const heldWebhookEvents = new Set(atDeath.filter((row) => row.module === 'webhook').map((row) => row.event_id));
    const resent = receiverB.received.filter((request) =>
      heldWebhookEvents.has(String(request.headers['x-alvares-event-id'])),
    );
    expect(resent.map((request) => String(request.headers['x-alvares-event-id'])).sort()).toEqual(
      [...heldWebhookEvents].sort(),
    );
    for (const request of resent) {
      expect(request.at).toBeGreaterThan(killedAt);
      expect(request.at - killedAt).toBeLessThan(30_000);
    }

    // The lifecycle shows the abandoned attempt and the survivor's; everything else ran once.
    for (const row of rows) {
      if (interruptedIds.has(row.id)) {
        expect(row).toMatchObject({ attempts: 2, steps: 'queued,in_progress,in_progress,succeeded' });
      } else {
        expect(row).toMatchObject({ attempts: 1, steps: 'queued,in_progress,succeeded' });
      }
    }
    // Across the batch, B's receiver got every event exactly once: its own share and what C abandoned.
    expect([...eventIdsOf(receiverB, new Set(ids))].sort()).toEqual([...ids].sort());

    // Slack, across both tests and the kill: every deployment named exactly once in each of its channels.
    const all = [...burstIds, ...ids];
    await waitFor(
      async () => {
        const done = await pool.query<{ n: number }>(
          `select count(*)::int as n from deliveries where module = 'slack' and status = 'succeeded' and event_id = any($1::uuid[])`,
          [all],
        );
        return done.rows[0]!.n === all.length;
      },
      40_000,
      'every Slack delivery succeeded',
    );
    for (const channel of ['#team-studadm', '#developers']) {
      const counts = all.map(
        (id) =>
          slack.roots(channel).filter((message) => JSON.stringify(message.blocks).includes(`/api/v1/events/${id}|`))
            .length,
      );
      expect({
        channel,
        lost: counts.filter((n) => n === 0).length,
        duplicates: counts.filter((n) => n > 1).length,
      }).toEqual({ channel, lost: 0, duplicates: 0 });
    }
  }, 150_000);
});
