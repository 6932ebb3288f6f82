/**
 * `npm run demo`: a hub with an hour of activity to look at. See docs/guides/try-the-demo.md, or --help.
 */
import { mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ANY_PORTS, DEMO_ADMIN_TOKEN, DemoFakes, FIXED_PORTS, demoHubEnv, fakeUrls, type FakeUrls } from './fakes.js';
import { AUDIT_CHECK, DemoPlayer } from './fill.js';
import { HubClient } from './hub-client.js';
import { startHubProcess, type HubProcess } from './hub-process.js';
import { demoHour } from './scenario.js';
import { checkRunningHub, DemoRefusal } from './preflight.js';

const HELP = `npm run demo [-- options]

Starts fakes of Slack, of the applications' monitor pages and of a webhook receiver, a hub on its embedded
PostgreSQL under ./data-demo pointed at them, and plays an hour of activity into it: deployments of a dozen
applications on two clusters, errors with stack traces, recommendations, an external check, a flapping monitor
page, a webhook receiver that is down for a while. Then it keeps going, slowly, until Ctrl-C.

  --minutes N       how many real minutes the hour takes (default 2; 60 plays it in real time)
  --port N          the hub's port (default 3010)
  --data-dir DIR    the hub's data directory (default ./data-demo)
  --reset           start from an empty data directory
  --once            stop everything after the hour instead of running on
  --url URL         fill a hub that is already running (DEMO_HUB_URL); its modules must use the fakes,
                    which then listen on fixed ports: start it with the environment of --print-env
  --admin-token T   that hub's ADMIN_TOKEN (DEMO_ADMIN_TOKEN; default: the demo's own)
  --print-env       print that environment and exit
`;

const out = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '2' },
      port: { type: 'string', default: '3010' },
      'data-dir': { type: 'string', default: './data-demo' },
      reset: { type: 'boolean', default: false },
      once: { type: 'boolean', default: false },
      url: { type: 'string', default: process.env.DEMO_HUB_URL },
      'admin-token': { type: 'string', default: process.env.DEMO_ADMIN_TOKEN ?? DEMO_ADMIN_TOKEN },
      'print-env': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values['print-env']) {
    printEnv(fakeUrls(FIXED_PORTS), values['admin-token']);
    return 0;
  }
  const minutes = Number(values.minutes);
  const port = Number(values.port);
  if (!(minutes >= 0.1 && minutes <= 600)) throw new UsageError('--minutes: a number from 0.1 to 600');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port: a port number');

  const stop = new AbortController();
  watchSignals(stop);
  const own = values.url === undefined;
  out('Alvares demo');
  const fakes = await startFakes(own);
  let hub: HubProcess | null = null;
  try {
    let client: HubClient;
    if (own) {
      hub = await startOwnHub(port, path.resolve(values['data-dir']), values.reset, fakes.urls);
      client = new HubClient(hub.url, DEMO_ADMIN_TOKEN);
      void hub.exited.then((code) => {
        if (!stop.signal.aborted) {
          out(`The hub stopped on its own (${code}): see ${hub!.logPath}`);
          stop.abort();
        }
      });
    } else {
      client = new HubClient(values.url!, values['admin-token']);
      const warnings = await checkRunningHub(client, fakes.urls);
      for (const warning of warnings) out(`  warning: ${warning}`);
      if (warnings.length > 0) out('  start the hub with the environment of --print-env to see everything');
    }
    printUrls(client.baseUrl, fakes.urls, own ? DEMO_ADMIN_TOKEN : null);
    await playHour(client, fakes, minutes, stop, values.once);
  } finally {
    // From here on the hub's exit is expected.
    stop.abort();
    out('Stopping…');
    await hub?.stop();
    await fakes.stop();
    out('Stopped.');
  }
  return 0;
}

async function startFakes(own: boolean): Promise<DemoFakes> {
  try {
    return await DemoFakes.start(own ? ANY_PORTS : FIXED_PORTS);
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message}: the fakes a running hub is pointed at need ports ${Object.values(FIXED_PORTS).join(', ')}`,
    );
  }
}

async function startOwnHub(port: number, dataDir: string, reset: boolean, urls: FakeUrls): Promise<HubProcess> {
  if (!(await portIsFree(port))) {
    throw new UsageError(
      `port ${port} is in use. Is a hub running there? Fill it with --url http://localhost:${port} (after starting it ` +
        `with the environment of --print-env), or start the demo's own hub on another port with --port.`,
    );
  }
  const shown = path.relative(process.cwd(), dataDir) || '.';
  if (reset) await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  out(`  starting a hub on port ${port}: data in ${shown}, log in ${path.join(shown, 'hub.log')}`);
  out('  (the first start initialises its PostgreSQL, which takes a few seconds)');
  const started = Date.now();
  const hub = await startHubProcess({ port, dataDir, env: demoHubEnv(urls) });
  out(`  ready in ${seconds(Date.now() - started)}`);
  return hub;
}

async function playHour(
  client: HubClient,
  fakes: DemoFakes,
  minutes: number,
  stop: AbortController,
  once: boolean,
): Promise<void> {
  const msPerMinute = (minutes * 60_000) / 60;
  const player = new DemoPlayer({ hub: client, fakes, msPerMinute, say: out, signal: stop.signal });
  out();
  out(`Playing an hour of activity in ${minutes === 1 ? '1 minute' : `${minutes} minutes`}:`);
  const started = Date.now();
  await player.setUp();
  await player.play(demoHour());
  if (stop.signal.aborted) return;
  const { report } = player;
  out();
  out(
    `The hour took ${seconds(Date.now() - started)}: ${report.deployments.length} deployments, ` +
      `${report.removals.length} removals, ${report.errors.length} errors, ${report.recommendations.length} ` +
      `recommendations, ${report.checkRuns} runs of ${AUDIT_CHECK}, ${report.inspectionRuns} inspection runs.`,
  );
  out(`Slack (fake): ${fakes.slack.messages.length} messages so far: ${fakes.urls.slackView}`);
  if (once) return;
  // Slower than the hour: the pages stay readable, and the flapping page still alerts and recovers every few minutes.
  const everyMs = Math.max(30_000, msPerMinute * 5);
  out(
    `Running on: one more thing every ${seconds(everyMs)} (the flapping page, a patch release, an audit). ` +
      'Ctrl-C stops the hub and the fakes.',
  );
  await player.keepLively(everyMs, stop.signal);
}

function printUrls(hubUrl: string, urls: FakeUrls, adminToken: string | null): void {
  const rows: Array<[string, string]> = [
    ['/', 'overview: modules, what runs now, checks, recent events'],
    ['/events', "every event (?type=error: Aspen's errors with their stack traces)"],
    ['/deployments', 'the latest version of each application on stage and active'],
    ['/errors', `failing and dead deliveries (sign in${adminToken ? ` with ${adminToken}` : ''})`],
    ['/schedules', "schedules and inspections: endpoint health, the hub's self-check"],
    [`/checks/${AUDIT_CHECK}`, 'the external check and its runs'],
    ['/checks/endpoints.health', 'the monitor pages, flapping'],
    ['/insights', 'delivery insights: the four measures (all of them from today)'],
  ];
  out();
  out('Open:');
  for (const [route, what] of rows) out(`  ${`${hubUrl}${route}`.padEnd(50)} ${what}`);
  out(`  ${urls.slackView.padEnd(50)} what the fake Slack received, thread by thread`);
}

function printEnv(urls: FakeUrls, adminToken: string): void {
  out("# The environment of a hub that `npm run demo -- --url <its URL>` fills: its modules use the demo's fakes.");
  out('# Save it (npm run -s demo -- --print-env > demo.env), then: (set -a; . ./demo.env; npm start)');
  out('# Use a data directory you can throw away: the demo adds its hour to whatever the hub holds.');
  out("DATA_DIR='./data-demo'");
  for (const [name, value] of Object.entries(demoHubEnv(urls, adminToken))) out(`${name}='${value}'`);
}

/** The first Ctrl-C stops everything cleanly; another one a second later gives up waiting. */
function watchSignals(stop: AbortController): void {
  let first = 0;
  const onSignal = () => {
    if (first === 0) {
      first = Date.now();
      stop.abort();
    } else if (Date.now() - first > 1_000) {
      // npm passes the terminal's Ctrl-C on as well: only a second press, later, forces the exit.
      out('Exiting without waiting.');
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function seconds(ms: number): string {
  const total = Math.round(ms / 1000);
  return total >= 60 ? `${Math.floor(total / 60)} min ${total % 60} s` : `${(ms / 1000).toFixed(1)} s`;
}

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError || error instanceof DemoRefusal ? 2 : 1);
  },
);
