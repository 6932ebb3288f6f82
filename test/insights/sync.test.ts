import { databaseModule } from '../../modules/database/index.js';
import { syncInsights } from '../../src/store/insights-sync.js';
import { aspenDeployment, aspenError } from '../support/aspen.js';
import {
  DAY,
  MINUTE,
  createdAt,
  deploymentAt,
  errorAt,
  transitionAt,
  writeHistory,
  type HistoryItem,
} from '../support/insights-history.js';
import { startTestHub, waitForQuiet, type TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';

const ADMIN = 'insights-sync-admin-token';

describe('insights follow what the hub ingests', () => {
  let hub: TestHub;

  beforeAll(async () => {
    // No dedupe window: a resent body is stored as a second event, which insights must still count once.
    hub = await startTestHub({
      modules: [databaseModule],
      env: {
        ADMIN_TOKEN: ADMIN,
        IDEMPOTENCY_WINDOW_SECONDS: '0',
        SCHEDULE_CORE_PRUNE: 'off',
        SCHEDULE_CORE_INSIGHTS_WEEKLY: 'off',
      },
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const put = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${hub.url}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { id: string; status: string; deliveries: Array<{ id: string }> };
  };
  const live = async () => {
    const res = await fetch(`${hub.url}/api/v1/insights?application=live-app`);
    return ((await res.json()) as Json).applications[0];
  };
  const receivedAt = async (id: string) =>
    Date.parse(((await (await fetch(`${hub.url}/api/v1/events/${id}`)).json()) as { receivedAt: string }).receivedAt);

  it('counts a deployment once whether resent, repeated with an Idempotency-Key or its delivery replayed', async () => {
    const body = aspenDeployment({ applicationName: 'live-app', version: '1.0.0' });
    const first = await put('/api/v1/deployment', body, { 'Idempotency-Key': 'live-1' });
    expect((await live()).deploymentFrequency).toMatchObject({ n: 1, ids: [first.id] });

    expect((await put('/api/v1/deployment', body, { 'Idempotency-Key': 'live-1' })).status).toBe('duplicate');
    const resent = await put('/api/v1/deployment', body);
    expect(resent.status).toBe('accepted');
    expect(resent.id).not.toBe(first.id);
    await waitForQuiet(hub);
    const replay = await fetch(`${hub.url}/api/v1/deliveries/${first.deliveries[0]!.id}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(replay.status).toBe(200);
    await waitForQuiet(hub);
    expect((await live()).deploymentFrequency).toMatchObject({ n: 1, ids: [first.id] });
  });

  it('fails a deployment on the error after it, and restores it at the next deployment without one', async () => {
    const error = await put('/api/v1/error', aspenError({ applicationName: 'live-app', cluster: 'active' }));
    const failed = await live();
    expect(failed.changeFailureRate).toMatchObject({ n: 1, failed: 1 });
    expect(failed.timeToRestore).toMatchObject({ n: 0, open: 1 });

    const next = await put('/api/v1/deployment', aspenDeployment({ applicationName: 'live-app', version: '1.0.1' }));
    const restored = await live();
    expect(restored.deploymentFrequency.n).toBe(2);
    expect(restored.changeFailureRate).toMatchObject({ n: 2, failed: 1 });
    expect(restored.timeToRestore).toMatchObject({ n: 1, open: 0 });
    // The events API gives arrival times in ms; PostgreSQL keeps microseconds.
    expect(restored.timeToRestore.medianMs).toBeCloseTo(
      (await receivedAt(next.id)) - (await receivedAt(error.id)),
      -0.5,
    );
  });
});

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** Facts of a few applications in two clusters, arriving from `start` on: every kind, repeats and removals included. */
function generated(start: number, count: number, next: () => number): HistoryItem[] {
  const items: HistoryItem[] = [];
  let at = start;
  for (let i = 0; i < count; i += 1) {
    at += next() * 6 * 60 * MINUTE;
    const application = `app-${Math.floor(next() * 4)}`;
    const cluster = next() < 0.85 ? 'active' : 'stage';
    const roll = next();
    const when = new Date(at);
    if (roll < 0.45) {
      const version = String(Math.floor(next() * 3));
      const built = next() < 0.2 ? null : new Date(start - Number(version) * DAY);
      items.push(
        deploymentAt(when, {
          applicationName: application,
          cluster,
          version,
          created: built ? createdAt(built) : null,
          replicas: next() < 0.1 ? 0 : 2,
        }),
      );
    } else if (roll < 0.75) items.push(errorAt(when, application, cluster));
    else items.push(transitionAt(when, application, next() < 0.5 ? 'alert' : 'recovered', cluster));
  }
  return items;
}

describe('the copy into the insights tables', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({
      modules: [],
      env: { SCHEDULE_CORE_PRUNE: 'off', SCHEDULE_CORE_INSIGHTS_WEEKLY: 'off' },
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const outcomes = async () => ({
    deployments: (
      await hub.hub.db.query(
        `select event_id, cluster, application, team, at, lead_ms, failed_at, failed_by, restored_at, restored_by from insight_deployments order by at, event_id`,
      )
    ).rows,
    days: (
      await hub.hub.db.query<{ deployments: number }>(
        `select * from insight_days order by cluster, application, day, team`,
      )
    ).rows,
  });

  it('recomputing only what new facts can change gives the outcomes and day sums recomputing everything gives, also for late arrivals', async () => {
    const next = random(20_261_207);
    // Arrival times ahead of the clock: each copy must see every chunk, however it is ordered.
    const items = generated(Date.now() + DAY, 400, next);
    for (let index = 0; index < items.length;) {
      const size = 1 + Math.floor(next() * 25);
      const chunk = items.slice(index, index + size);
      index += size;
      // Now and then hold a chunk back and send it after the next one: facts arriving out of order.
      if (next() < 0.25 && index < items.length) {
        const later = items.slice(index, index + size);
        index += size;
        await writeHistory(hub.hub.db, hub.hub.config, later);
        await syncInsights(hub.hub.db);
      }
      await writeHistory(hub.hub.db, hub.hub.config, chunk);
      await syncInsights(hub.hub.db);
    }
    const incremental = await outcomes();
    expect(incremental.deployments.length).toBeGreaterThan(100);
    expect(incremental.deployments.filter((row) => row.failed_at !== null).length).toBeGreaterThan(20);
    expect(incremental.deployments.filter((row) => row.restored_at !== null).length).toBeGreaterThan(10);
    expect(incremental.days.reduce((sum, row) => sum + row.deployments, 0)).toBe(incremental.deployments.length);

    await hub.hub.db.query(
      `truncate insight_facts, insight_deployments, insight_days; update insight_sync set synced_until = '-infinity'`,
    );
    expect(await syncInsights(hub.hub.db)).toEqual({ facts: expect.any(Number), applications: 8 });
    expect(await outcomes()).toEqual(incremental);
  });
});
