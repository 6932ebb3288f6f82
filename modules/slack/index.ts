import {
  slackConfigSchema,
  slackEnablement,
  slackSecrets,
  slackTargetConfig,
  slackTargetSettings,
  type SlackConfig,
} from './config.js';
import { MIGRATIONS } from './migrations.js';
import { slackProvider } from './provider.js';
import { slackRouting } from './routing.js';
import { WebApiTransport, WebhookTransport, type SlackTransport } from './transport.js';
import { createProviderTargets, defineModule } from '../../src/module-api.js';

/**
 * Slack: deployments, errors and recommendations as Block Kit messages, and one live thread per deployment
 * and channel in which other modules' outcomes (announced on the bus as `check.finished`) are replied. The
 * notification layer (src/notify) decides what goes where and when; this module is how it reaches Slack.
 */
export const slackModule = defineModule({
  name: 'slack',
  description: 'Slack messages, with one live thread per deployment',
  notification: true,
  events: ['deployment', 'error', 'recommendation', 'check.finished', 'inspection', 'insights.weekly', 'silence.ended'],
  legacyNames: [
    'modules.subscribers.slack',
    'modules.subscribers.slack.slack_deployment',
    'modules.subscribers.slack.slack_error',
    'modules.subscribers.slack.slack_recommendation',
  ],
  configSchema: slackConfigSchema,
  secrets: slackSecrets,
  enablement: slackEnablement,
  // A post waiting for its channel's turn is deferred, not held: an attempt is a few Slack calls at most.
  delivery: { timeoutMs: 30_000 },
  migrations: MIGRATIONS,
  create(ctx) {
    const { config, logger } = ctx;
    const transportOf = (settings: SlackConfig): SlackTransport =>
      settings.token
        ? new WebApiTransport({ token: settings.token, apiBaseUrl: settings.apiBaseUrl, logger })
        : new WebhookTransport(ctx.http({ baseURL: settings.webhookUrl!, service: 'Slack webhook' }));
    const transport = transportOf(config);
    // The environment's target `slack`, and every Slack target stored at run time, each with its own token.
    const notifier = createProviderTargets(ctx, {
      kind: { provider: 'slack', settings: slackTargetSettings, envVariable: 'SLACK_TOKEN or SLACK_WEB_HOOK' },
      env: { provider: slackProvider(config, transport), routing: slackRouting(config) },
      build: (settings) => {
        const own = slackTargetConfig(config, settings);
        return { provider: slackProvider(own, transportOf(own)), routing: slackRouting(own) };
      },
    });

    return {
      handlers: notifier.handlers(),
      schedules: [notifier.pruneSchedule(23, 'posted items')],
      start() {
        // One line at start saying which workspace and bot the token is for; a bad token shows up here first.
        // Not awaited: an unreachable Slack must not hold up the hub's start (deliveries retry on their own).
        void transport.identify().then(
          (who) =>
            logger.info(
              config.token ? 'posting through the Slack Web API' : 'posting through the Slack incoming webhook',
              who ? { as: who } : {},
            ),
          (error: unknown) =>
            logger.warn('Slack did not accept the token', {
              error: error instanceof Error ? error.message : String(error),
            }),
        );
        return Promise.resolve();
      },
    };
  },
});
