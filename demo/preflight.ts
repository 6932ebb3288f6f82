import { aspenDeployment } from './fill.js';
import type { FakeUrls } from './fakes.js';
import type { HubClient } from './hub-client.js';
import { APPS, monitorPath } from './scenario.js';

/** The demo will not fill this hub; the message says why and what to do. */
export class DemoRefusal extends Error {}

/**
 * Before filling a hub started elsewhere: it answers, the admin token is right, and nothing the demo sends can
 * leave the machine. Refuses when Slack or the webhook point anywhere but the fakes, or UptimeRobot is on; answers
 * warnings for what merely will not show (a module off, cluster hosts that are not the fake applications).
 */
export async function checkRunningHub(client: HubClient, urls: FakeUrls): Promise<string[]> {
  try {
    await client.request('GET', '/ready', { token: null });
  } catch (error) {
    throw new DemoRefusal(`no hub answers at ${client.baseUrl}: ${(error as Error).message}`);
  }
  const auth = await client.request('GET', '/api/v1/deliveries?limit=1', { allow: [401, 403, 404] });
  if (auth.status !== 200) {
    throw new DemoRefusal(
      `the hub refused the admin token (HTTP ${auth.status}): pass its ADMIN_TOKEN with --admin-token or DEMO_ADMIN_TOKEN`,
    );
  }
  // The demo posts a hundred messages and a hundred events: never into a real Slack workspace or a real receiver,
  // and it never has UptimeRobot create monitors for its made-up applications.
  const config = async (module: string) =>
    (
      await client.request<{
        values: Record<string, string | null>;
        status: { enabled: boolean; reason: string | null };
      }>('GET', `/api/v1/admin/modules/${module}/config`)
    ).body;
  const warnings: string[] = [];
  const slack = await config('slack');
  if (slack.status.enabled && (slack.values.SLACK_WEB_HOOK || slack.values.SLACK_API_BASE_URL !== urls.slackApi)) {
    throw new DemoRefusal(
      `the hub's Slack module posts to ${slack.values.SLACK_API_BASE_URL ?? 'a webhook'}, not to the demo's fake ` +
        `Slack (${urls.slackApi}): start the hub with the environment of --print-env`,
    );
  }
  const webhook = await config('webhook');
  if (webhook.status.enabled && webhook.values.WEBHOOK_URL !== urls.webhook) {
    throw new DemoRefusal(
      `the hub's webhook posts to ${webhook.values.WEBHOOK_URL}, not to the demo's receiver (${urls.webhook}): ` +
        'start the hub with the environment of --print-env',
    );
  }
  if ((await config('uptimerobot')).status.enabled) {
    throw new DemoRefusal("the hub's uptimerobot module is on: the demo would create monitors for its applications");
  }
  for (const [name, module] of [
    ['slack', slack],
    ['webhook', webhook],
  ] as const) {
    if (!module.status.enabled) warnings.push(`the ${name} module is off (${module.status.reason ?? 'turned off'})`);
  }
  const sample = APPS[0]!;
  const enriched = await client.request<{ monitorUrl?: string }>('POST', '/api/v1/deployment/enrich', {
    body: aspenDeployment(sample, 'active', sample.version, '', 1),
    token: null,
  });
  if (enriched.body.monitorUrl !== `${urls.apps.active}${monitorPath(sample)}`) {
    warnings.push(`its ACTIVE_APP_HOST is not ${urls.apps.active}: endpoint health will not see the demo's pages`);
  }
  return warnings;
}
