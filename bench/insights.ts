import pg from 'pg';
import { createDatabase, dropDatabase, startHubProcess } from './support.js';

const DEPLOYMENTS = Number(process.env.BENCH_INSIGHTS_DEPLOYMENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_INSIGHTS_RUNS ?? 20);
const DB_NAME = 'alvares_bench_i';

/** How the stored deployments lie: over how many days back, how many applications and teams, which clusters. */
interface Layout {
  days: number;
  apps: number;
  teams: number;
  /** The cluster of deployment i is clusters[i % clusters.length]. */
  clusters: string[];
}

const LAYOUTS: Record<string, Layout> = {
  // Every deployment inside the default question (active, the last 90 days): the worst case for it.
  allInWindow: { days: 90, apps: 200, teams: 20, clusters: ['active'] },
  // Two years of a larger organisation in four clusters, half in production: what a hub holding 100,000 looks like.
  twoYears: {
    days: 730,
    apps: 400,
    teams: 40,
    clusters: [
      'active',
      'stage',
      'active',
      'integral',
      'active',
      'stage',
      'active',
      'integral-stage',
      'active',
      'stage',
    ],
  },
};

/**
 * i. GET /api/v1/insights over DEPLOYMENTS stored deployments (the target: under 200 ms for 100,000), in two
 * layouts (LAYOUTS), each on a fresh database and hub.
 *
 * The history is written straight into `events` by SQL (ingest stamps every event with the time it arrives; the
 * measures need arrivals spread over weeks), with payloads shaped as enrichment stores them, beside one error
 * report per ten deployments and an alert and a recovery per twenty-five, as the hub stores them. The first
 * request copies all of it into the insights tables (timed apart: it happens once, the first read after an
 * upgrade); then RUNS requests of each question are timed, one after another.
 */
export async function benchInsights(adminUrl: string) {
  const results: Record<string, unknown> = {};
  for (const [name, layout] of Object.entries(LAYOUTS)) results[name] = await benchLayout(adminUrl, layout);
  return results;
}

async function benchLayout(adminUrl: string, layout: Layout) {
  const databaseUrl = await createDatabase(adminUrl, DB_NAME);
  const hub = await startHubProcess(databaseUrl, 'i', {
    DISABLED_SUBSCRIBERS: 'database,slack,uptimerobot,detectify,lighthouse,webhook,endpoints',
    SCHEDULE_CORE_PRUNE: 'off',
    SCHEDULE_CORE_INSIGHTS_WEEKLY: 'off',
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const written = Date.now();
    await writeHistory(client, layout);
    const writeSeconds = (Date.now() - written) / 1000;
    const counts = (
      await client.query<{ type: string; n: number }>(
        `select type, count(*)::int as n from events group by type order by type`,
      )
    ).rows;

    const first = await timed(`${hub.url}/api/v1/insights`);
    const questions: Record<string, string> = {
      default: '/api/v1/insights',
      'ids=0': '/api/v1/insights?ids=0',
      'interval=day': '/api/v1/insights?interval=day',
      'one team': '/api/v1/insights?team=team-2',
      'one application, 2 years':
        '/api/v1/insights?application=app-42&from=' + new Date(Date.now() - 730 * 86_400_000).toISOString(),
      'one application': '/api/v1/insights?application=app-42',
    };
    const results: Record<string, { medianMs: number; maxMs: number; bytes: number }> = {};
    for (const [name, question] of Object.entries(questions)) {
      const times: number[] = [];
      let bytes = 0;
      for (let run = 0; run < RUNS; run += 1) {
        const result = await timed(`${hub.url}${question}`);
        times.push(result.ms);
        bytes = result.bytes;
      }
      times.sort((a, b) => a - b);
      results[name] = { medianMs: round(times[Math.floor(times.length / 2)]!), maxMs: round(times.at(-1)!), bytes };
    }
    const answer = (await (await fetch(`${hub.url}/api/v1/insights?ids=0`)).json()) as {
      total: { deploymentFrequency: { n: number }; changeFailureRate: { failed: number } };
      applications: unknown[];
    };
    return {
      layout,
      stored: Object.fromEntries(counts.map((row) => [row.type, row.n])),
      historyWrittenSeconds: writeSeconds,
      answered: {
        deployments: answer.total.deploymentFrequency.n,
        failed: answer.total.changeFailureRate.failed,
        applications: answer.applications.length,
      },
      firstRequestWithCopyMs: round(first.ms),
      runs: RUNS,
      requests: results,
      target: { defaultMedianUnderMs: 200 },
      met: results.default!.medianMs < 200,
    };
  } finally {
    await client.end();
    await hub.stop();
    await dropDatabase(adminUrl, DB_NAME);
  }
}

async function timed(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url);
  const body = await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${Buffer.from(body).toString()}`);
  return { ms, bytes: body.byteLength };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** DEPLOYMENTS deployments evenly over the layout's days, each a new version; errors and transitions after some. */
async function writeHistory(client: pg.Client, layout: Layout): Promise<void> {
  const spacing = (layout.days * 86_400) / (DEPLOYMENTS + 1);
  await client.query(
    `insert into events (id, type, received_at, raw, payload, application_name, cluster, team)
     select gen_random_uuid(), 'deployment', at, payload, payload || jsonb_build_object('removal', false, 'createdAt', to_char(at - interval '25 minutes' * (1 + i % 7), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'slackChannels', jsonb_build_array('#team-' || (a % $3), '#developers'), 'team', 'team-' || (a % $3), 'friendlyName', 'Application ' || a,
         'applicationUrl', 'https://app.example.test/app-' || a, 'monitorUrl', 'https://app.example.test/app-' || a || '/_monitor',
         'aboutUrl', 'https://app.example.test/app-' || a || '/_about', 'monitorPattern', 'APPLICATION_STATUS: OK', 'logSearchUrl', null),
       'app-' || a, cluster, 'team-' || (a % $3)
     from generate_series(1, $1::int) as i,
       lateral (select i % $2 as a, now() - make_interval(secs => ($1::int - i + 1) * $4::float8) as at, ($5::text[])[1 + i % array_length($5::text[], 1)] as cluster) as x,
       lateral (select jsonb_build_object('applicationName', 'app-' || a, 'cluster', cluster, 'replicas', 2, 'version', '1.' || i,
         'imageName', 'app-' || a, 'applicationPath', '/app-' || a, 'created', (extract(epoch from at) - 1500 * (1 + i % 7))::text,
         'publicNameSwedish', 'Applikation ' || a, 'publicNameEnglish', 'Application ' || a, 'descriptionSwedish', null, 'descriptionEnglish', null,
         'importance', 'high', 'detectifyProfileTokens', '[]'::jsonb, 'testAccessibility', false, 'accessibilityUrls', '[]'::jsonb,
         'publicUserDocumentationUrl', null, 'privateOperationsDocumentationUrl', null) as payload) as p`,
    [DEPLOYMENTS, layout.apps, layout.teams, spacing, layout.clusters],
  );
  // One error report ten minutes after every tenth deployment.
  await client.query(
    `insert into events (id, type, received_at, raw, payload, application_name, cluster)
     select gen_random_uuid(), 'error', received_at + interval '10 minutes', body, body || jsonb_build_object('stackTrace', null, 'slackChannels', '[]'::jsonb),
       application_name, cluster
     from (select *, row_number() over (order by received_at) as n from events where type = 'deployment') d,
       lateral (select jsonb_build_object('message', 'Deployment of ' || application_name || ' failed', 'applicationName', application_name, 'cluster', cluster) as body) b
     where n % 10 = 0`,
  );
  // An endpoint-health alert five minutes after every 25th deployment, recovered twenty minutes later.
  await client.query(
    `insert into events (id, type, received_at, payload, parent_id)
     select gen_random_uuid(), 'inspection', d.received_at + t.after, jsonb_build_object('check', 'endpoints.health', 'kind', 'inspection',
         'key', 'endpoints.health{application=' || d.application_name || ',cluster=' || d.cluster || '}',
         'dimensions', jsonb_build_object('application', d.application_name, 'cluster', d.cluster), 'transition', t.transition,
         'status', case when t.transition = 'alert' then 'error' else 'ok' end, 'previousStatus', null, 'since', d.received_at,
         'durationMs', 0, 'title', d.application_name || ' (active)', 'message', '', 'link', 'http://localhost/checks/endpoints.health',
         'slackChannels', '[]'::jsonb, 'runId', gen_random_uuid(), 'at', d.received_at + t.after), null
     from (select *, row_number() over (order by received_at) as n from events where type = 'deployment') d,
       (values ('alert', interval '5 minutes'), ('recovered', interval '25 minutes')) as t(transition, after)
     where n % 25 = 0`,
  );
  await client.query('analyze events');
}
