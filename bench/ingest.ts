import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { FakeSlack } from '../test/fakes/slack.js';
import { ROOT, cpuSeconds, createDatabase, dropDatabase, freePort, startChild, type Child } from './support.js';
import { ensureWrk, runWrk, type WrkResult } from './wrk.js';

/**
 * a. Ingest throughput beside a durable reference: on each store, the same wrk load (16
 * connections, Aspen-shaped bodies, every one different) against
 *   - a bare node:http server that only parses the JSON (once: it has no store),
 *   - the durable reference: node:http storing one JSONB row per request with group commit, 200 after commit,
 *   - the hub with no module subscribed (events stored, nothing delivered),
 *   - the hub with `database` delivering alongside,
 *   - the hub with `database` and `slack` (fake Slack, pacing off) delivering alongside.
 * Each figure is given as a share of the durable reference on the same store. For hubs that deliver, the
 * backlog (deliveries not yet finished) is read at the start and the end of the measured window: deliveries
 * keep pace when it does not grow; then the time the backlog took to drain after the load stopped.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 15);
const WARMUP_S = 3;
const ALL_MODULES = ['database', 'slack', 'uptimerobot', 'detectify', 'lighthouse', 'webhook', 'endpoints'];

export interface Store {
  name: string;
  adminUrl: string;
}

type Startable = (databaseUrl: string) => Promise<Child>;

function disabledBut(...keep: string[]): string {
  return ALL_MODULES.filter((name) => !keep.includes(name)).join(',');
}

async function backlog(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ n: number }>(
      `select count(*)::int as n from deliveries where status not in ('succeeded', 'dead', 'skipped')`,
    );
    return rows.rows[0]!.n;
  } finally {
    await client.end();
  }
}

/** Whether the database holds the hub's tables (the reference server has one table of its own). */
async function isHub(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (
      (await client.query<{ found: string | null }>(`select to_regclass('events')::text as found`)).rows[0]!.found !==
      null
    );
  } finally {
    await client.end();
  }
}

async function drainSeconds(databaseUrl: string, limitSeconds: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < limitSeconds * 1000) {
    if ((await backlog(databaseUrl)) === 0) return Number(((Date.now() - started) / 1000).toFixed(1));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

/** CPU seconds used so far by every PostgreSQL process on the machine (both stores' servers and backends). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('postgres')) continue;
      total += cpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** PostgreSQL's own counts for the database: transactions committed (each statement outside a transaction is one) and rows written. */
async function databaseCounts(
  databaseUrl: string,
  table: 'events' | 'reference_events',
): Promise<{ commits: number; rowsWritten: number; events: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ commits: string; written: string; events: number }>(
      `select xact_commit as commits, tup_inserted + tup_updated + tup_deleted as written, (select count(*)::int from ${table}) as events
       from pg_stat_database where datname = current_database()`,
    );
    const row = rows.rows[0]!;
    return { commits: Number(row.commits), rowsWritten: Number(row.written), events: row.events };
  } finally {
    await client.end();
  }
}

interface Measured extends WrkResult {
  /**
   * Per event stored, from the start of the measured window until its deliveries were all done: transactions
   * PostgreSQL committed in the hub's database and rows it wrote (its statistics, so reads count as commits too).
   */
  commitsPerEvent?: number;
  rowsWrittenPerEvent?: number;
  /** CPU per answered request during the measured window: the server's process, and PostgreSQL's. */
  serverCpuUsPerRequest: number;
  postgresCpuUsPerRequest: number;
  backlogAtStart?: number;
  backlogAtEnd?: number;
  drainedAfterSeconds?: number | null;
  peakRssMb?: number;
}

async function measure(start: Startable, adminUrl: string, options: { delivers: boolean }): Promise<Measured> {
  const databaseUrl = await createDatabase(adminUrl, 'alvares_bench_a');
  const server = await start(databaseUrl);
  try {
    const url = `${server.url}/api/v1/deployment`;
    await runWrk(url, { connections: CONNECTIONS, seconds: WARMUP_S });
    if (options.delivers) await drainSeconds(databaseUrl, 60);
    const atStart = options.delivers ? await backlog(databaseUrl) : undefined;
    const table = (await isHub(databaseUrl)) ? 'events' : 'reference_events';
    const countsBefore = await databaseCounts(databaseUrl, table);
    const cpuBefore = { server: cpuSeconds(server.process.pid!), postgres: postgresCpuSeconds() };
    const load = await runWrk(url, { connections: CONNECTIONS, seconds: DURATION_S });
    const perRequest = (seconds: number) => Math.round((seconds * 1e6) / Math.max(1, load.total));
    const result = {
      ...load,
      serverCpuUsPerRequest: perRequest(cpuSeconds(server.process.pid!) - cpuBefore.server),
      postgresCpuUsPerRequest: perRequest(postgresCpuSeconds() - cpuBefore.postgres),
    };
    const perEvent = async () => {
      // PostgreSQL reports a backend's counts when it goes idle, at most once a second.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const after = await databaseCounts(databaseUrl, table);
      const events = Math.max(1, after.events - countsBefore.events);
      return {
        commitsPerEvent: Number(((after.commits - countsBefore.commits) / events).toFixed(2)),
        rowsWrittenPerEvent: Number(((after.rowsWritten - countsBefore.rowsWritten) / events).toFixed(2)),
      };
    };
    if (!options.delivers) return { ...result, ...(await perEvent()), peakRssMb: server.peakRssMb() };
    const atEnd = await backlog(databaseUrl);
    const drained = await drainSeconds(databaseUrl, 120);
    return {
      ...result,
      ...(await perEvent()),
      backlogAtStart: atStart,
      backlogAtEnd: atEnd,
      drainedAfterSeconds: drained,
      peakRssMb: server.peakRssMb(),
    };
  } finally {
    await server.stop();
    await dropDatabase(adminUrl, 'alvares_bench_a');
  }
}

function share(value: number, reference: number): number {
  return Number((value / reference).toFixed(3));
}

export async function benchIngest(
  stores: Store[],
  startHub: (databaseUrl: string, env: Record<string, string>) => Promise<Child>,
) {
  ensureWrk();
  const node = process.execPath;
  const tsx = ['--import', 'tsx'];
  const bareStart: Startable = async () =>
    startChild(node, [...tsx, path.join(ROOT, 'bench/bare-server.ts')], {}, await freePort(), '/');
  const referenceStart: Startable = async (databaseUrl) =>
    startChild(
      node,
      [...tsx, path.join(ROOT, 'bench/reference-server.ts')],
      { DATABASE_URL: databaseUrl },
      await freePort(),
      '/',
    );

  const bareServer = await bareStart('');
  await runWrk(bareServer.url, { connections: CONNECTIONS, seconds: WARMUP_S });
  const bare = await runWrk(bareServer.url, { connections: CONNECTIONS, seconds: DURATION_S });
  await bareServer.stop();

  const slack = await FakeSlack.start();
  const hubs: Array<{ name: string; env: Record<string, string> }> = [
    { name: 'hub, no module subscribed', env: { DISABLED_SUBSCRIBERS: ALL_MODULES.join(',') } },
    { name: 'hub, database delivering alongside', env: { DISABLED_SUBSCRIBERS: disabledBut('database') } },
    {
      name: 'hub, database and slack delivering alongside',
      env: {
        DISABLED_SUBSCRIBERS: disabledBut('database', 'slack'),
        SLACK_TOKEN: 'xoxb-fake-token',
        SLACK_API_BASE_URL: slack.apiUrl,
        SLACK_CHANNELS: '#bench',
        // Slack's own pacing (about 1/s per channel) would measure Slack's limit, not the hub.
        SLACK_PACE_MS: '0',
      },
    },
  ];
  const perStore = [];
  try {
    for (const store of stores) {
      process.stdout.write(`  ${store.name}: durable reference…\n`);
      const reference = await measure(referenceStart, store.adminUrl, { delivers: false });
      const rows: Array<{ server: string; share: number } & Measured> = [
        { server: 'durable reference', share: 1, ...reference },
      ];
      for (const hub of hubs) {
        process.stdout.write(`  ${store.name}: ${hub.name}…\n`);
        const delivers = hub.env.DISABLED_SUBSCRIBERS !== ALL_MODULES.join(',');
        const result = await measure((url) => startHub(url, hub.env), store.adminUrl, { delivers });
        rows.push({ server: hub.name, share: share(result.requestsPerSecond, reference.requestsPerSecond), ...result });
      }
      perStore.push({ store: store.name, rows });
    }
  } finally {
    await slack.close();
  }

  const targets = {
    withDatabaseAndSlack: { shareAtLeast: 0.25, p99UnderMs: 50, backlogDoesNotGrow: true },
    noSubscriber: { shareAtLeast: 0.5 },
  };
  const verdicts = perStore.map(({ store, rows }) => {
    const none = rows.find((row) => row.server === 'hub, no module subscribed')!;
    const both = rows.find((row) => row.server === 'hub, database and slack delivering alongside')!;
    const keepsPace = (both.backlogAtEnd ?? 0) <= Math.max((both.backlogAtStart ?? 0) * 1.1, CONNECTIONS * 4);
    return {
      store,
      noSubscriberMet: none.share >= 0.5,
      withDatabaseAndSlackMet:
        both.share >= 0.25 && both.latencyP99Ms < 50 && keepsPace && both.non2xx === 0 && both.errors === 0,
      keepsPace,
    };
  });
  return {
    connections: CONNECTIONS,
    durationSeconds: DURATION_S,
    loadTool: 'wrk',
    bare,
    stores: perStore,
    targets,
    verdicts,
  };
}

/** The table of docs/benchmarks.md, one line per server, for the bench's output. */
export function formatIngestTable(result: Awaited<ReturnType<typeof benchIngest>>): string {
  const lines = [`| server | ${result.stores.map((store) => `${store.store}: req/s (share), p99`).join(' | ')} |`];
  lines.push(`|---|${result.stores.map(() => '---').join('|')}|`);
  lines.push(
    `| bare node:http, parse only | ${result.stores.map(() => `${result.bare.requestsPerSecond} req/s, p99 ${result.bare.latencyP99Ms} ms`).join(' | ')} |`,
  );
  const names = result.stores[0]?.rows.map((row) => row.server) ?? [];
  for (const name of names) {
    const cells = result.stores.map((store) => {
      const row = store.rows.find((candidate) => candidate.server === name)!;
      const pace =
        row.backlogAtStart === undefined
          ? ''
          : `; backlog ${row.backlogAtStart} → ${row.backlogAtEnd}, drained in ${row.drainedAfterSeconds ?? '>120'} s`;
      const bad = row.non2xx + row.errors > 0 ? `; ${row.non2xx} non-2xx, ${row.errors} socket errors` : '';
      const cpu =
        `; CPU/request: server ${row.serverCpuUsPerRequest} µs, PostgreSQL ${row.postgresCpuUsPerRequest} µs` +
        (row.commitsPerEvent === undefined
          ? ''
          : `; per event: ${row.commitsPerEvent} commits, ${row.rowsWrittenPerEvent} rows written`);
      return `${row.requestsPerSecond} req/s (${row.share}), p99 ${row.latencyP99Ms} ms${cpu}${pace}${bad}`;
    });
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
