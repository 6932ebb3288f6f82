import { databaseModule } from '../../modules/database/index.js';
import { slackModule } from '../../modules/slack/index.js';
import { webhookModule } from '../../modules/webhook/index.js';
import { FakeSlack } from '../fakes/slack.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment, aspenError, HOSTS_ENV } from './aspen.js';
import { startTestHub, waitFor, type TestHub } from './hub.js';

/**
 * An operator's morning, as a real hub sees it: twelve applications of three teams deployed to two clusters,
 * a webhook whose receiver fails (dead deliveries, each followed by a check outcome Slack posts), error reports
 * with stack traces, and an external uptime check over six targets, one flapping and one critical with a
 * hostile Markdown message. The status page's browser tests and `npm run screenshots` both start it.
 */
export const SCENE_ADMIN_TOKEN = 'operator-scene-admin-token-42';
export const SLACK_TOKEN = 'xoxb-scene-0000000000-secret';
export const HOSTILE_MARKDOWN =
  '**Broken service** on `portal`\n\n- checked <script>window.pwned=1</script>\n- <img src=x onerror="window.pwned=2"> [details](javascript:window.pwned=3) and [runbook](https://runbooks.example.test/portal)';
export const STACK_TRACE =
  'Traceback (most recent call last):\n  File "deploy.py", line 12, in <module>\n    push(image)\n  File "registry.py", line 88, in push\n    raise ImageNotFound(name)\nImageNotFound: kth-azure-app:2.0.12';

const TEAMS = ['team-studadm', 'team-kursinformation', 'team-e-larande'];
export const APPLICATIONS = [
  'kth-azure-app',
  'ladok-sync',
  'kurs-pm',
  'kursinfo-web',
  'lms-export',
  'tamarack',
  'studadm-api',
  'canvas-sync',
  'kopps-public',
  'node-api',
  'social',
  'search-web',
];
export const CHECK = 'uptime-external';
export const TARGETS = ['portal', 'api', 'search', 'login', 'canvas', 'kopps'];

export interface Scene {
  hub: TestHub;
  slack: FakeSlack;
  receiver: FakeSubscriber;
  checkToken: string;
  /** Events that ended with a dead webhook delivery. */
  deadEvents: string[];
  errorEvent: string;
  stop(): Promise<void>;
}

export async function put(url: string, type: 'deployment' | 'error', body: Record<string, unknown>): Promise<string> {
  const answer = await fetch(`${url}/api/v1/${type}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (answer.status !== 200) throw new Error(`PUT ${type} answered ${answer.status}: ${await answer.text()}`);
  return ((await answer.json()) as { id: string }).id;
}

/** Reports one finished run of the external check for a target. */
export async function report(
  scene: Pick<Scene, 'hub' | 'checkToken'>,
  target: string,
  status: string,
  message: string,
  error?: string,
) {
  const answer = await fetch(`${scene.hub.url}/api/v1/checks/${CHECK}/results`, {
    method: 'POST',
    headers: { authorization: `Bearer ${scene.checkToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      target,
      dimensions: { application: target === 'portal' ? 'kth-azure-app' : target, cluster: 'active' },
      status,
      message,
      ...(error ? { error } : {}),
    }),
  });
  if (answer.status !== 201) throw new Error(`report answered ${answer.status}: ${await answer.text()}`);
}

export async function startScene(options: { env?: Record<string, string> } = {}): Promise<Scene> {
  const slack = await FakeSlack.start({ token: SLACK_TOKEN });
  const receiver = new FakeSubscriber();
  await receiver.start();
  const hub = await startTestHub({
    modules: [databaseModule, webhookModule, slackModule],
    env: {
      ...HOSTS_ENV,
      ADMIN_TOKEN: SCENE_ADMIN_TOKEN,
      WEBHOOK_URL: receiver.url,
      DELIVERY_MAX_ATTEMPTS_WEBHOOK: '1',
      SLACK_TOKEN,
      SLACK_API_BASE_URL: slack.apiUrl,
      SLACK_PACE_MS: '5',
      IDEMPOTENCY_WINDOW_SECONDS: '0',
      ERROR_STORM_WINDOW_SECONDS: '0',
      // The self-check on an interval of its own (shown as "every 10 min"), quiet about the scene's dead
      // deliveries unless a test asks it (a central parameter), so no alert of its own appears mid-test.
      SCHEDULE_CORE_DELIVERIES: '10m',
      INSPECTION_CORE_DELIVERIES_DEAD_WARNING: '1000',
      ...options.env,
    },
  });
  const created = await fetch(`${hub.url}/api/v1/checks/${CHECK}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${SCENE_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ description: 'Uptime of the public services, from outside' }),
  });
  if (created.status !== 201) throw new Error(`creating the check answered ${created.status}: ${await created.text()}`);
  const checkToken = ((await created.json()) as { token: string }).token;
  const scene: Scene = {
    hub,
    slack,
    receiver,
    checkToken,
    deadEvents: [],
    errorEvent: '',
    async stop() {
      await hub.stop();
      await receiver.stop();
      await slack.close();
    },
  };

  for (const [index, application] of APPLICATIONS.entries()) {
    const team = TEAMS[index % TEAMS.length]!;
    for (const cluster of index % 3 === 0 ? ['stage', 'active'] : ['active']) {
      await put(
        hub.url,
        'deployment',
        aspenDeployment({
          applicationName: application,
          cluster,
          team,
          version: `1.${index}.0`,
          slackChannels: `#${team}`,
        }),
      );
    }
  }
  await put(
    hub.url,
    'deployment',
    aspenDeployment({ applicationName: 'kth-azure-app', team: TEAMS[0], version: '2.0.11_abc123' }),
  );
  receiver.answer(500, 3);
  for (const application of ['lms-export', 'canvas-sync', 'ladok-sync']) {
    scene.deadEvents.push(
      await put(
        hub.url,
        'deployment',
        aspenDeployment({ applicationName: application, team: TEAMS[2], version: '3.1.0' }),
      ),
    );
  }
  scene.errorEvent = await put(
    hub.url,
    'error',
    aspenError({
      applicationName: 'kth-azure-app',
      cluster: 'active',
      message: '*Deployment failed* in _active_: image `kth-azure-app:2.0.12` not found',
      stackTrace: STACK_TRACE,
    }),
  );

  for (const target of TARGETS) await report(scene, target, 'ok', `**${target}** answered in 120 ms`);
  for (const status of ['error', 'ok', 'error', 'ok', 'error']) {
    await report(scene, 'search', status, status === 'ok' ? 'answered' : '**error** HTTP 502 from search');
  }
  await report(scene, 'portal', 'critical', HOSTILE_MARKDOWN);
  await report(scene, 'portal', 'critical', HOSTILE_MARKDOWN);
  await report(scene, 'login', 'warning', 'slow: **2.4 s** to answer', 'connect took 2.4 s (limit 2 s)');

  await waitFor(
    async () =>
      (await hub.hub.db.query(`select 1 from deliveries where module = 'webhook' and status = 'dead'`)).rowCount ===
        3 &&
      (await hub.hub.db.query(`select 1 from deliveries where status in ('queued', 'in_progress')`)).rowCount === 0,
    20_000,
    'the scene to settle',
  );
  return scene;
}
