/**
 * `npm run bench`: the hub's measurements side by side in one run on one machine (docs/benchmarks.md).
 *   a. PUT /api/v1/deployment throughput and latency of the hub with no, one and two modules delivering,
 *      as shares of a durable reference server (one JSONB row per request, group commit) on the same store,
 *      with a bare node:http server for context; wrk as the load (bench/ingest.ts). On the embedded
 *      PostgreSQL and, when DATABASE_URL is set, on that server too.
 *   b. end-to-end latency from the 200 to a fake Slack receiving the message, at a steady 100/s.
 *   c. a burst of 10,000 deployments: time until all are delivered, how many were lost, peak RSS.
 *   d. endpoint health of 1,000 monitored applications on its every-minute tick, against a bare node script
 *      making the same 1,000 requests (bench/monitoring.ts).
 *   i. GET /api/v1/insights over 100,000 stored deployments (bench/insights.ts).
 * The hub runs as its own process from the built output (`npm run build`); (b) to (i) on DATABASE_URL when
 * set, else on an embedded PostgreSQL started for the run. Results go to bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createLogger } from '../src/logging/logger.js';
import { Redactor } from '../src/logging/redact.js';
import { startEmbeddedDatabase } from '../src/store/embedded.js';
import { FakeSlack } from '../test/fakes/slack.js';
import { benchIngest, formatIngestTable, type Store } from './ingest.js';
import { benchInsights } from './insights.js';
import { benchMonitoring } from './monitoring.js';
import {
  ROOT,
  createDatabase,
  deployment,
  dropDatabase,
  freePort,
  percentile,
  startChild,
  type Child,
} from './support.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 15);
const STEADY_RATE = Number(process.env.BENCH_RATE ?? 100);
const STEADY_S = Number(process.env.BENCH_STEADY_DURATION ?? 20);
const BURST = Number(process.env.BENCH_BURST ?? 10_000);
/** Case s: status-page streams open while (a)'s hub ingests. */
const STREAMS = Number(process.env.BENCH_STREAMS ?? 50);
/** Which of a, b, c, d, i, s to run (a, b, c, d, i by default), e.g. BENCH_ONLY=b or BENCH_ONLY=a,s. */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'a,b,c,d,i').split(',').map((part) => part.trim()));

const NODE = process.execPath;
const HUB_MAIN = path.join(ROOT, 'dist/src/main.js');

/** A webhook receiver answering 200 at once, recording when each event id first arrived. */
async function startSink(): Promise<{ url: string; arrivals: Map<string, number>; close: () => Promise<void> }> {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const id = String(req.headers['x-alvares-event-id'] ?? '');
    req.resume();
    req.on('end', () => {
      if (id && !arrivals.has(id)) arrivals.set(id, performance.now());
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function hubEnv(databaseUrl: string, extra: Record<string, string>): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: path.join(os.tmpdir(), `alvares-bench-${process.pid}`),
    ...extra,
  };
}

async function startHub(databaseUrl: string, extra: Record<string, string>): Promise<Child> {
  return startChild(NODE, [HUB_MAIN], hubEnv(databaseUrl, extra), await freePort(), '/ready');
}

function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error: Error | null, result) => (error ? reject(error) : resolve(result)));
  });
}

let sequence = 0;
function putDeployment(onResponse?: (status: number, body: string) => void): autocannon.Request {
  return {
    method: 'PUT',
    path: '/api/v1/deployment',
    headers: { 'content-type': 'application/json' },
    // Every body differs (version), as Aspen's do: identical bodies would be answered as duplicates.
    setupRequest: (request) => ({ ...request, body: deployment((sequence += 1)) }),
    ...(onResponse ? { onResponse: (status: number, body: string) => onResponse(status, body) } : {}),
  };
}

function summarise(result: autocannon.Result) {
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

/**
 * Open `count` GET /api/v1/stream readers that count the events they receive. node:http and a native
 * indexOf: the readers share the machine's cores with the hub, so they must cost as little as a browser's would.
 */
async function openStreams(url: string, count: number) {
  let events = 0;
  const marker = Buffer.from('\nid: ');
  const requests = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<http.ClientRequest>((resolve, reject) => {
          const request = http.get(`${url}/api/v1/stream`, (response) => {
            response.on('data', (chunk: Buffer) => {
              for (let at = chunk.indexOf(marker); at >= 0; at = chunk.indexOf(marker, at + 1)) events += 1;
            });
            response.on('error', () => undefined);
            resolve(request);
          });
          request.on('error', reject);
        }),
    ),
  );
  return {
    get events() {
      return events;
    },
    close() {
      for (const request of requests) request.destroy();
      return Promise.resolve();
    },
  };
}

/**
 * s. (a)'s hub (webhook subscriber), measured the same way twice on fresh databases: with no status-page
 * stream open, then with STREAMS streams open for the whole run. Both hubs write the live feed; the
 * difference is the cost of serving the streams.
 */
async function benchStreams(adminUrl: string) {
  const sink = await startSink();
  const loadOptions = { connections: CONNECTIONS, duration: DURATION_S };
  const env = { WEBHOOK_URL: sink.url, DISABLED_SUBSCRIBERS: 'database,slack,uptimerobot,detectify,lighthouse' };
  const measure = async (streams: number) => {
    const databaseUrl = await createDatabase(adminUrl, 'alvares_bench_s');
    const hub = await startHub(databaseUrl, env);
    const open = streams > 0 ? await openStreams(hub.url, streams) : null;
    await load({ url: hub.url, ...loadOptions, duration: 3, requests: [putDeployment()] });
    const before = open?.events ?? 0;
    const result = summarise(await load({ url: hub.url, ...loadOptions, requests: [putDeployment()] }));
    const received = (open?.events ?? 0) - before;
    await open?.close();
    await hub.stop();
    await dropDatabase(adminUrl, 'alvares_bench_s');
    return {
      streams,
      ...result,
      streamEventsPerSecondEach: streams > 0 ? Math.round(received / streams / DURATION_S) : 0,
    };
  };
  const without = await measure(0);
  const withStreams = await measure(STREAMS);
  await sink.close();
  const ratio = withStreams.requestsPerSecond / without.requestsPerSecond;
  return {
    without,
    with: withStreams,
    throughputRatio: Number(ratio.toFixed(3)),
    targets: { ratioAtLeast: 0.9 },
    met: ratio >= 0.9 && withStreams.non2xx === 0,
  };
}

async function benchEndToEnd(adminUrl: string) {
  const received = new Map<string, number>();
  const slack = await FakeSlack.start({
    onRequest: (request) => {
      if (request.path !== '/api/chat.postMessage') return;
      const id =
        /\/api\/v1\/events\/([0-9a-f-]{36})/.exec(request.rawBody)?.[1] ??
        /events%2F([0-9a-f-]{36})/.exec(request.rawBody)?.[1];
      if (id && !received.has(id)) received.set(id, performance.now());
    },
  });
  const databaseUrl = await createDatabase(adminUrl, 'alvares_bench_b');
  const hub = await startHub(databaseUrl, {
    SLACK_TOKEN: 'xoxb-fake-token',
    SLACK_API_BASE_URL: slack.apiUrl,
    SLACK_CHANNELS: '#bench',
    // Slack's own pacing (about 1/s per channel) would measure Slack's rate limit, not the hub.
    SLACK_PACE_MS: '0',
    DISABLED_SUBSCRIBERS: 'uptimerobot,detectify,lighthouse,webhook',
  });
  // Warm-up, as in (a): the first second after start (new connections, JIT, first plans) is not steady state.
  await load({ url: hub.url, connections: 4, overallRate: STEADY_RATE, duration: 3, requests: [putDeployment()] });
  const answered = new Map<string, number>();
  await load({
    url: hub.url,
    connections: 4,
    overallRate: STEADY_RATE,
    duration: STEADY_S,
    requests: [
      putDeployment((status, body) => {
        if (status === 200) answered.set((JSON.parse(body) as { id: string }).id, performance.now());
      }),
    ],
  });
  const until = Date.now() + 30_000;
  while ([...answered.keys()].some((id) => !received.has(id)) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  await hub.stop();
  await slack.close();
  await dropDatabase(adminUrl, 'alvares_bench_b');
  const latencies = [...answered]
    .filter(([id]) => received.has(id))
    .map(([id, at]) => received.get(id)! - at)
    .sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  return {
    rate: STEADY_RATE,
    seconds: STEADY_S,
    answered: answered.size,
    reachedSlack: latencies.length,
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(p99.toFixed(1)),
    maxMs: Number((latencies.at(-1) ?? NaN).toFixed(1)),
    targets: { p99UnderMs: 250 },
    met: p99 < 250 && latencies.length === answered.size,
  };
}

async function benchBurst(adminUrl: string) {
  const sink = await startSink();
  const databaseUrl = await createDatabase(adminUrl, 'alvares_bench_c');
  const hub = await startHub(databaseUrl, {
    WEBHOOK_URL: sink.url,
    DISABLED_SUBSCRIBERS: 'slack,uptimerobot,detectify,lighthouse',
  });
  const accepted = new Set<string>();
  const started = performance.now();
  const result = await load({
    url: hub.url,
    connections: CONNECTIONS,
    amount: BURST,
    timeout: 30,
    requests: [
      putDeployment((status, body) => {
        if (status === 200) accepted.add((JSON.parse(body) as { id: string }).id);
      }),
    ],
  });
  const acceptedAt = performance.now();
  const until = Date.now() + 180_000;
  while ([...accepted].some((id) => !sink.arrivals.has(id)) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  const lost = [...accepted].filter((id) => !sink.arrivals.has(id)).length;
  const lastArrival = Math.max(...[...accepted].map((id) => sink.arrivals.get(id) ?? 0));
  const peakRssMb = hub.peakRssMb();
  await hub.stop();
  await sink.close();
  await dropDatabase(adminUrl, 'alvares_bench_c');
  return {
    sent: BURST,
    accepted: accepted.size,
    non2xx: result.non2xx,
    errors: result.errors,
    secondsToAccept: Number(((acceptedAt - started) / 1000).toFixed(1)),
    secondsUntilAllDelivered: Number(((lastArrival - started) / 1000).toFixed(1)),
    lost,
    peakRssMb,
    targets: { lost: 0, rssUnderMb: 300 },
    met: lost === 0 && accepted.size === BURST && peakRssMb < 300,
  };
}

async function main(): Promise<void> {
  process.stdout.write('building the hub (npm run build)…\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  // The embedded PostgreSQL is always measured in (a); DATABASE_URL's server beside it when given, and it is
  // then the store of the other cases.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-bench-pg-'));
  const embedded = await startEmbeddedDatabase(
    dir,
    createLogger({ level: 'error', redactor: new Redactor(), silent: true }),
  );
  const adminUrl = process.env.DATABASE_URL ?? embedded.url;
  const stores: Store[] = [
    ...(process.env.DATABASE_URL ? [{ name: 'DATABASE_URL', adminUrl: process.env.DATABASE_URL }] : []),
    { name: 'embedded', adminUrl: embedded.url },
  ];
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  const report: Record<string, unknown> = {
    at: new Date().toISOString(),
    machine,
    store: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded',
  };
  try {
    if (ONLY.has('a')) {
      process.stdout.write(
        `a. ingest beside a durable reference: ${CONNECTIONS} connections, ${DURATION_S} s each, on ${stores.map((store) => store.name).join(' and ')}…\n`,
      );
      const ingest = await benchIngest(stores, startHub);
      report.ingest = ingest;
      process.stdout.write(`${JSON.stringify(ingest, null, 2)}\n${formatIngestTable(ingest)}\n`);
    }
    if (ONLY.has('b')) {
      process.stdout.write(`b. end to end at ${STEADY_RATE}/s for ${STEADY_S} s…\n`);
      report.endToEnd = await benchEndToEnd(adminUrl);
      process.stdout.write(`${JSON.stringify(report.endToEnd, null, 2)}\n`);
    }
    if (ONLY.has('c')) {
      process.stdout.write(`c. burst of ${BURST}…\n`);
      report.burst = await benchBurst(adminUrl);
      process.stdout.write(`${JSON.stringify(report.burst, null, 2)}\n`);
    }
    if (ONLY.has('d')) {
      process.stdout.write('d. endpoint health of 1,000 monitored applications, one tick…\n');
      report.monitoring = await benchMonitoring(adminUrl);
      process.stdout.write(`${JSON.stringify(report.monitoring, null, 2)}\n`);
    }
    if (ONLY.has('i')) {
      process.stdout.write('i. GET /api/v1/insights over 100,000 stored deployments…\n');
      report.insights = await benchInsights(adminUrl);
      process.stdout.write(`${JSON.stringify(report.insights, null, 2)}\n`);
    }
    if (ONLY.has('s')) {
      process.stdout.write(`s. ingest as in (a), without and with ${STREAMS} status-page streams open…\n`);
      report.streams = await benchStreams(adminUrl);
      process.stdout.write(`${JSON.stringify(report.streams, null, 2)}\n`);
    }
  } finally {
    await embedded.stop();
  }
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write('written to bench/results/latest.json\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
