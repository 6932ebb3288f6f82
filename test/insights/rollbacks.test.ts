import { syncInsights } from '../../src/store/insights-sync.js';
import { aspenDeployment } from '../support/aspen.js';
import { DAY, HOUR, deploymentAt, errorAt, writeHistory, type HistoryItem } from '../support/insights-history.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import type { Json } from '../support/json.js';

/** An insight_deployments row's outcome columns. */
interface OutcomeRow {
  event_id: string;
  failed_at: Date | null;
  failed_by: string | null;
  restored_at: Date | null;
  restored_by: string | null;
}

/**
 * A rollback in the delivery measures (docs/reference/insights.md): the deployment it replaced is a failed change,
 * failed when it was deployed unless a failure was reported earlier, and the rollback is its restore.
 */
describe('rollbacks in the insights', () => {
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

  const put = async (body: unknown) => {
    const res = await fetch(`${hub.url}/api/v1/deployment`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { id: string }).id;
  };
  const insights = async (application: string) => {
    const res = await fetch(`${hub.url}/api/v1/insights?application=${application}`);
    return ((await res.json()) as Json).applications[0];
  };
  const receivedAt = async (id: string) =>
    Date.parse(((await (await fetch(`${hub.url}/api/v1/events/${id}`)).json()) as { receivedAt: string }).receivedAt);

  it('counts the deployment a rollback replaced as failed, restored by the rollback', async () => {
    await put(aspenDeployment({ applicationName: 'rb-app', version: '1.0.0', created: null }));
    const bad = await put(aspenDeployment({ applicationName: 'rb-app', version: '1.1.0', created: null }));
    expect((await insights('rb-app')).changeFailureRate).toMatchObject({ n: 2, failed: 0 });

    const rollback = await put(aspenDeployment({ applicationName: 'rb-app', version: '1.0.0', created: '1763800000' }));
    const after = await insights('rb-app');
    expect(after.deploymentFrequency.n).toBe(3);
    expect(after.changeFailureRate).toMatchObject({ n: 3, failed: 1 });
    expect(after.timeToRestore).toMatchObject({ n: 1, open: 0 });
    expect(after.timeToRestore.medianMs).toBeCloseTo((await receivedAt(rollback)) - (await receivedAt(bad)), -0.5);
    const outcome = await hub.hub.db.query(
      'select failed_by, restored_by from insight_deployments where event_id = $1',
      [bad],
    );
    expect(outcome.rows).toEqual([{ failed_by: rollback, restored_by: rollback }]);
  });

  it('keeps an earlier failure report as the failure, and the rollback as the restore', async () => {
    const start = Date.now() + 3 * DAY;
    const [, bad, error, rollback] = await writeHistory(hub.hub.db, hub.hub.config, [
      deploymentAt(new Date(start), { applicationName: 'rb-error-app', version: '1' }),
      deploymentAt(new Date(start + HOUR), { applicationName: 'rb-error-app', version: '2' }),
      errorAt(new Date(start + 2 * HOUR), 'rb-error-app'),
      deploymentAt(new Date(start + 5 * HOUR), { applicationName: 'rb-error-app', version: '1', created: null }),
    ]);
    await markRollback(rollback!, '2');
    await syncInsights(hub.hub.db);
    const rows = await hub.hub.db.query<OutcomeRow>(
      `select event_id, failed_at, failed_by, restored_at, restored_by from insight_deployments
       where application = 'rb-error-app' order by at`,
    );
    expect(rows.rows.map((row) => [row.event_id, row.failed_by, row.restored_by])).toEqual([
      [expect.any(String), null, null],
      [bad, error, rollback],
      [rollback, null, null],
    ]);
    expect(rows.rows[1]!.failed_at!.getTime()).toBe(start + 2 * HOUR);
    expect(rows.rows[1]!.restored_at!.getTime()).toBe(start + 5 * HOUR);
  });

  it('fails the replaced deployment however long ago it went out, when the rollback arrives later', async () => {
    const start = Date.now() + 10 * DAY;
    const [, bad] = await writeHistory(hub.hub.db, hub.hub.config, [
      deploymentAt(new Date(start), { applicationName: 'rb-late-app', version: '1' }),
      deploymentAt(new Date(start + HOUR), { applicationName: 'rb-late-app', version: '2' }),
    ]);
    await syncInsights(hub.hub.db);
    const [rollback] = await writeHistory(hub.hub.db, hub.hub.config, [
      deploymentAt(new Date(start + 4 * DAY), { applicationName: 'rb-late-app', version: '1', created: null }),
    ]);
    await markRollback(rollback!, '2');
    await syncInsights(hub.hub.db);
    const replaced = await hub.hub.db.query(
      'select failed_at, failed_by, restored_at, restored_by from insight_deployments where event_id = $1',
      [bad],
    );
    expect(replaced.rows).toEqual([
      {
        failed_at: new Date(start + HOUR),
        failed_by: rollback,
        restored_at: new Date(start + 4 * DAY),
        restored_by: rollback,
      },
    ]);
  });

  it('gives the same outcomes recomputed piece by piece as recomputed all at once, rollbacks included', async () => {
    let seed = 4_242;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const start = Date.now() + 30 * DAY;
    const items: HistoryItem[] = [];
    const rollbacks: number[] = [];
    for (let i = 0, at = start; i < 150; i += 1) {
      at += next() * 8 * HOUR;
      const application = `rb-gen-${Math.floor(next() * 3)}`;
      if (next() < 0.6) {
        if (next() < 0.2) rollbacks.push(items.length);
        items.push(deploymentAt(new Date(at), { applicationName: application, version: String(i), created: null }));
      } else items.push(errorAt(new Date(at), application));
    }
    const ids: string[] = [];
    for (let index = 0; index < items.length;) {
      const size = 1 + Math.floor(next() * 12);
      const chunk = await writeHistory(hub.hub.db, hub.hub.config, items.slice(index, index + size));
      for (const [offset, id] of chunk.entries()) if (rollbacks.includes(index + offset)) await markRollback(id, 'x');
      ids.push(...chunk);
      index += size;
      await syncInsights(hub.hub.db);
    }
    const read = async () =>
      (
        await hub.hub.db.query<OutcomeRow>(
          `select event_id, failed_at, failed_by, restored_at, restored_by from insight_deployments
           where application like 'rb-gen-%' order by at, event_id`,
        )
      ).rows;
    const incremental = await read();
    expect(incremental.filter((row) => row.failed_by !== null && ids.includes(row.failed_by)).length).toBeGreaterThan(
      5,
    );
    await hub.hub.db.query(
      `truncate insight_facts, insight_deployments, insight_days; update insight_sync set synced_until = '-infinity'`,
    );
    await syncInsights(hub.hub.db);
    expect(await read()).toEqual(incremental);
  });

  /** As placing marks a rollback when it is stored (history rows are written straight into events). */
  async function markRollback(id: string, from: string): Promise<void> {
    await hub.hub.db.query(
      `update events set payload = payload || jsonb_build_object('rollback', true, 'rolledBackFrom', $2::text) where id = $1`,
      [id, from],
    );
  }
});
