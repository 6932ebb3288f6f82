import { FlappingEndpoints } from '../test/fakes/flapping-endpoint.js';
import { FakeSlack } from '../test/fakes/slack.js';
import { FakeSubscriber } from '../test/fakes/subscriber.js';
import type { Cluster } from './scenario.js';
import { startSlackView } from './slack-view.js';

/**
 * The outside world of the demo, on local ports: the fake Slack (with Slack's per-channel limit) and a page of
 * what it received, each cluster's applications (their monitor pages, which the demo makes flap), and the
 * webhook's receiver (which the demo takes down for a while).
 */
export interface FakePorts {
  slack: number;
  slackView: number;
  activeApps: number;
  stageApps: number;
  webhook: number;
}

/** Where the fakes listen when they serve a hub started elsewhere (`--print-env` names them). */
export const FIXED_PORTS: FakePorts = {
  slack: 4000,
  slackView: 4001,
  activeApps: 4101,
  stageApps: 4102,
  webhook: 4200,
};
/** Free ports, for a hub the demo starts itself and tells where they are. */
export const ANY_PORTS: FakePorts = { slack: 0, slackView: 0, activeApps: 0, stageApps: 0, webhook: 0 };

/** The admin token of the hub the demo starts (sign in with it on the status page). A demo value, not a secret. */
export const DEMO_ADMIN_TOKEN = 'alvares-demo-admin-token';

/** How long the slow monitor page takes, against endpoint health's `slowMs` in the demo's environment. */
const SLOW_PAGE_MS = 1_200;

export interface FakeUrls {
  slackApi: string;
  slackView: string;
  apps: Record<Cluster, string>;
  webhook: string;
}

export class DemoFakes {
  private constructor(
    readonly slack: FakeSlack,
    readonly pages: Record<Cluster, FlappingEndpoints>,
    readonly receiver: FakeSubscriber,
    readonly urls: FakeUrls,
    private readonly stopView: () => Promise<void>,
  ) {}

  /** Starts every fake; a port in use stops the ones already started and says which port it was. */
  static async start(ports: FakePorts, options: { slackRateLimit?: boolean } = {}): Promise<DemoFakes> {
    const started: Array<() => Promise<void>> = [];
    const on = async <T>(port: number, what: string, start: () => Promise<T>): Promise<T> => {
      try {
        return await start();
      } catch (error) {
        await Promise.all(started.map((stop) => stop()));
        const inUse = (error as { code?: string }).code === 'EADDRINUSE';
        throw new Error(inUse ? `port ${port} (${what}) is in use` : `${what}: ${String(error)}`, { cause: error });
      }
    };
    const slack = await on(ports.slack, 'fake Slack', () =>
      FakeSlack.start({
        port: ports.slack,
        // Slack's own limit on chat.postMessage: the hub's pacing keeps to it, as it must with the real one.
        ...(options.slackRateLimit === false ? {} : { rateLimit: { burst: 3, intervalMs: 1000 } }),
      }),
    );
    started.push(() => slack.close());
    const view = await on(ports.slackView, 'fake Slack page', () => startSlackView(slack, ports.slackView));
    started.push(() => view.stop());
    const pages = { active: new FlappingEndpoints(), stage: new FlappingEndpoints() };
    pages.stage.slowMs = SLOW_PAGE_MS;
    pages.active.slowMs = SLOW_PAGE_MS;
    const activeApps = await on(ports.activeApps, 'applications of active', () => pages.active.start(ports.activeApps));
    started.push(() => pages.active.stop());
    const stageApps = await on(ports.stageApps, 'applications of stage', () => pages.stage.start(ports.stageApps));
    started.push(() => pages.stage.stop());
    const receiver = new FakeSubscriber();
    const webhook = await on(ports.webhook, 'webhook receiver', () => receiver.start(ports.webhook));
    started.push(() => receiver.stop());
    const portOf = (url: string) => Number(new URL(url).port);
    const urls = fakeUrls({
      slack: slack.port,
      slackView: portOf(view.url),
      activeApps: portOf(activeApps),
      stageApps: portOf(stageApps),
      webhook: portOf(webhook),
    });
    return new DemoFakes(slack, pages, receiver, urls, async () => {
      await Promise.all(started.map((stop) => stop()));
    });
  }

  async stop(): Promise<void> {
    await this.stopView();
  }
}

/** Where fakes on these ports answer (what `DemoFakes.start` reports, and `--print-env` before they run). */
export function fakeUrls(ports: FakePorts): FakeUrls {
  const local = (port: number) => `http://127.0.0.1:${port}`;
  return {
    slackApi: `${local(ports.slack)}/api/`,
    slackView: `${local(ports.slackView)}/`,
    apps: { active: local(ports.activeApps), stage: local(ports.stageApps) },
    webhook: `${local(ports.webhook)}/hook`,
  };
}

/**
 * What a hub needs to use the fakes: modules pointed at them, and settings that make an hour fit in minutes.
 * Endpoint health and the self-check run every 30 s instead of every minute, the webhook gives up after three
 * attempts (a few seconds with the default backoff), and a monitor page slower than a second is a warning.
 */
export function demoHubEnv(urls: FakeUrls, adminToken = DEMO_ADMIN_TOKEN): Record<string, string> {
  return {
    ADMIN_TOKEN: adminToken,
    ACTIVE_APP_HOST: urls.apps.active,
    ACTIVE_API_HOST: urls.apps.active,
    STAGE_APP_HOST: urls.apps.stage,
    STAGE_API_HOST: urls.apps.stage,
    SLACK_TOKEN: 'xoxb-fake-token',
    SLACK_API_BASE_URL: urls.slackApi,
    SLACK_CHANNELS: '#deployments',
    WEBHOOK_URL: urls.webhook,
    WEBHOOK_SECRET: 'alvares-demo-webhook-secret',
    DELIVERY_MAX_ATTEMPTS_WEBHOOK: '3',
    SCHEDULE_ENDPOINTS_HEALTH: '30s',
    SCHEDULE_CORE_DELIVERIES: '30s',
    INSPECTION_ENDPOINTS_HEALTH_SLOW_MS: '1000',
  };
}
