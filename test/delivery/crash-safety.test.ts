import pg from 'pg';
import { FakeSlack } from '../fakes/slack.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment } from '../support/aspen.js';
import { createTestDatabase } from '../support/database.js';
import { spawnHub } from '../support/process-hub.js';
import { waitFor } from '../support/hub.js';

async function put(url: string, version: string): Promise<string | null> {
  try {
    const res = await fetch(`${url}/api/v1/deployment`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(aspenDeployment({ version })),
    });
    if (res.status !== 200) return null;
    return ((await res.json()) as { id: string }).id;
  } catch {
    return null; // the hub died before answering: not accepted, so not owed
  }
}

function subscriberHasAll(subscriber: FakeSubscriber, ids: string[]): boolean {
  const delivered = new Set(subscriber.eventIds());
  return ids.every((id) => delivered.has(id));
}

async function deliveryStates(databaseUrl: string, eventIds: string[]) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ module: string; status: string; n: number }>(
      `select module, status, count(*)::int as n from deliveries where event_id = any($1::uuid[]) group by 1, 2 order by 1, 2`,
      [eventIds],
    );
    return result.rows;
  } finally {
    await client.end();
  }
}

/** How many top-level Slack messages name each event (by its event link), per channel. */
function slackMentions(slack: FakeSlack, channel: string, eventIds: string[]): Map<string, number> {
  const counts = new Map(eventIds.map((id) => [id, 0]));
  for (const message of slack.roots(channel)) {
    const text = JSON.stringify(message.blocks);
    for (const id of eventIds) if (text.includes(`/api/v1/events/${id}|`)) counts.set(id, counts.get(id)! + 1);
  }
  return counts;
}

describe('a hub killed in the middle of a burst', () => {
  it('delivers, after a restart on the same store, every event it answered 200, and posts each to Slack once', async () => {
    const database = await createTestDatabase();
    const subscriber = new FakeSubscriber();
    await subscriber.start();
    // Slow deliveries, so plenty are queued or in progress when the kill comes.
    subscriber.stall(300, 40);
    // Slack takes each post at once but answers late: a kill then leaves posts whose fate the hub never learnt.
    const slack = await FakeSlack.start({ token: 'xoxb-crash-test', rateLimit: { burst: 3, intervalMs: 1000 } });
    slack.delayAnswers(1500);
    const env = {
      DATABASE_URL: database.url,
      WEBHOOK_URL: subscriber.url,
      WORKER_CONCURRENCY: '4',
      SLACK_TOKEN: 'xoxb-crash-test',
      SLACK_API_BASE_URL: slack.apiUrl,
    };
    try {
      const first = await spawnHub(env);
      const accepted: string[] = [];
      let sent = 0;
      const burst = (async () => {
        while (first.child.exitCode === null && sent < 2000) {
          const batch = await Promise.all(Array.from({ length: 10 }, () => put(first.url, `burst-${(sent += 1)}`)));
          accepted.push(...batch.filter((id): id is string => id !== null));
        }
      })();
      await waitFor(() => accepted.length >= 150, 30_000, '150 accepted');
      first.child.kill('SIGKILL');
      await first.exited;
      await burst;
      expect(subscriber.eventIds().length).toBeLessThan(accepted.length);

      const second = await spawnHub(env);
      try {
        const delivered = await waitFor(
          () => subscriberHasAll(subscriber, accepted),
          60_000,
          'all accepted events delivered',
        );
        expect(delivered).toBe(true);
        // Deliveries the dead hub held are unlocked by the survivors' sweep and finish too.
        const states = await waitFor(
          async () => {
            const rows = await deliveryStates(database.url, accepted);
            return rows.length === 3 && rows.every((row) => row.status === 'succeeded') ? rows : null;
          },
          60_000,
          'every delivery succeeded',
        );
        expect(states).toEqual([
          { module: 'database', status: 'succeeded', n: accepted.length },
          { module: 'slack', status: 'succeeded', n: accepted.length },
          { module: 'webhook', status: 'succeeded', n: accepted.length },
        ]);
        // Slack: every accepted deployment named exactly once in each of its channels (0 lost, 0 duplicates).
        for (const channel of ['#team-studadm', '#developers']) {
          const mentions = slackMentions(slack, channel, accepted);
          const lost = [...mentions.values()].filter((n) => n === 0).length;
          const duplicates = [...mentions.values()].filter((n) => n > 1).length;
          expect({ channel, lost, duplicates }).toEqual({ channel, lost: 0, duplicates: 0 });
        }
        // The kill left posts whose answers never came: the restarted hub looked for them rather than post again.
        expect(slack.attempts('conversations.history').length).toBeGreaterThan(0);
        process.stdout.write(
          `kill: ${accepted.length} accepted; ${slack.calls('chat.postMessage').length} Slack posts, ` +
            `${slack.attempts('conversations.history').length} history lookups after the kill, 0 lost, 0 duplicates\n`,
        );
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      await subscriber.stop();
      await slack.close();
      await database.drop();
    }
  }, 150_000);
});

/**
 * A fresh store, a webhook receiver and a connection to look at the store, for one test's hubs; all gone after
 * `work`, however it ends.
 */
async function withReceiver(
  work: (setup: { database: { url: string }; subscriber: FakeSubscriber; client: pg.Client }) => Promise<void>,
): Promise<void> {
  const database = await createTestDatabase();
  const subscriber = new FakeSubscriber();
  await subscriber.start();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await work({ database, subscriber, client });
  } finally {
    await client.end().catch(() => undefined);
    await subscriber.stop();
    await database.drop();
  }
}

describe('SIGTERM', () => {
  it(
    'stops taking requests, lets running deliveries finish and exits 0',
    () =>
      withReceiver(async ({ database, subscriber, client }) => {
        subscriber.stall(1_000, 1);
        const hub = await spawnHub({
          DATABASE_URL: database.url,
          WEBHOOK_URL: subscriber.url,
          SHUTDOWN_TIMEOUT_MS: '5000',
        });
        const id = await put(hub.url, 'graceful');
        await waitFor(() => subscriber.received.length === 1, 10_000, 'delivery started');
        hub.child.kill('SIGTERM');
        expect(await hub.exited).toBe(0);
        const row = await client.query(`select status from deliveries where event_id = $1 and module = 'webhook'`, [
          id,
        ]);
        expect(row.rows[0].status).toBe('succeeded');
        expect(hub.output()).toMatch(/hub stopped/);
        await expect(fetch(`${hub.url}/health`)).rejects.toThrow();
      }),
    60_000,
  );

  it(
    'leaves no job locked when it stops with a backlog, so the next hub runs the backlog at once',
    () =>
      withReceiver(async ({ database, subscriber, client }) => {
        // Two workers and slow calls: most jobs wait in the hub's local queue, fetched and locked, when SIGTERM comes.
        // Slow enough that the twelve PUTs (each placed under a lock, slower on a loaded machine) end first.
        subscriber.stall(3000, 12);
        const env = {
          DATABASE_URL: database.url,
          WEBHOOK_URL: subscriber.url,
          WORKER_CONCURRENCY: '2',
          DISABLED_SUBSCRIBERS: 'database,lighthouse',
        };
        const first = await spawnHub(env);
        const ids: string[] = [];
        for (let i = 0; i < 12; i += 1) ids.push((await put(first.url, `backlog-${i}`))!);
        await waitFor(() => subscriber.received.length >= 1, 10_000, 'deliveries started');
        first.child.kill('SIGTERM');
        expect(await first.exited).toBe(0);

        const jobs = await client.query<{ total: number; locked: number }>(
          'select count(*)::int as total, count(locked_by)::int as locked from graphile_worker.jobs',
        );
        expect(jobs.rows[0]!.total).toBeGreaterThan(0);
        expect(jobs.rows[0]!.locked).toBe(0);

        const second = await spawnHub(env);
        try {
          // Well inside the 15 s after which a silent hub's jobs would be unlocked by a survivor's sweep.
          await waitFor(() => subscriberHasAll(subscriber, ids), 10_000, 'the backlog delivered by the next hub');
        } finally {
          second.child.kill('SIGTERM');
          await second.exited;
        }
      }),
    60_000,
  );

  it(
    'gives a delivery it was running itself a job when it runs out of patience, so the next hub runs it at once',
    () =>
      withReceiver(async ({ database, subscriber, client }) => {
        // The first call hangs past the first hub's patience; the next one answers at once.
        subscriber.stall(20_000, 1);
        const env = {
          DATABASE_URL: database.url,
          WEBHOOK_URL: subscriber.url,
          SHUTDOWN_TIMEOUT_MS: '500',
          DISABLED_SUBSCRIBERS: 'database,lighthouse',
        };
        const webhookDelivery = async (eventId: string) =>
          (
            await client.query<{ status: string; claimed_by: string | null; jobs: number }>(
              `select d.status, d.claimed_by,
                  (select count(*)::int from graphile_worker._private_jobs j where j.payload->>'deliveryId' = d.id::text) as jobs
           from deliveries d where d.event_id = $1 and d.module = 'webhook'`,
              [eventId],
            )
          ).rows[0]!;
        const first = await spawnHub(env);
        const id = (await put(first.url, 'handed-over'))!;
        await waitFor(() => subscriber.received.length === 1, 10_000, 'the hanging call started');
        // Run by the hub that took the event, under its id (test/delivery/local-runs.test.ts).
        expect((await webhookDelivery(id)).claimed_by).not.toBeNull();
        first.child.kill('SIGTERM');
        expect(await first.exited).toBe(0);

        expect(await webhookDelivery(id)).toMatchObject({ claimed_by: null, jobs: 1 });
        const stoppedAt = Date.now();
        const second = await spawnHub(env);
        try {
          await waitFor(async () => (await webhookDelivery(id)).status === 'succeeded', 10_000, 'the next hub ran it');
          // Well before the 15 s after which a silent hub's work would be swept to the living.
          expect(Date.now() - stoppedAt).toBeLessThan(12_000);
          expect(subscriber.eventIds().filter((eventId) => eventId === id)).toHaveLength(2);
        } finally {
          second.child.kill('SIGTERM');
          await second.exited;
        }
      }),
    60_000,
  );
});
