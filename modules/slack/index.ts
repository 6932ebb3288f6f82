import { ChannelPoster } from './channel-poster.js';
import { slackConfigSchema, slackEnablement, slackSecrets } from './config.js';
import { MIGRATIONS } from './migrations.js';
import { SlackNotifier } from './notifier.js';
import { SlackStore } from './store.js';
import { ChannelTurns } from './turns.js';
import { WebApiTransport, WebhookTransport, type SlackTransport } from './transport.js';
import { defineModule } from '../../src/module-api.js';

/**
 * Slack: deployments, errors and recommendations as Block Kit messages, and one live thread per deployment
 * and channel in which other modules' outcomes (announced on the bus as `check.finished`) are replied.
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
    const transport: SlackTransport = config.token
      ? new WebApiTransport({ token: config.token, apiBaseUrl: config.apiBaseUrl, logger })
      : new WebhookTransport(ctx.http({ baseURL: config.webhookUrl!, service: 'Slack webhook' }));
    const turns = new ChannelTurns(ctx.db, {
      intervalMs: config.paceMs,
      burst: config.burst,
      digestAfter: config.digestAfter,
    });
    const notifier = new SlackNotifier({
      ownDelivery: ctx.ownDelivery,
      config,
      transport,
      store: new SlackStore(ctx.db),
      poster: new ChannelPoster(turns, transport, logger),
      logger,
      publicUrl: ctx.core.publicUrl,
    });

    return {
      handlers: {
        deployment: (event, delivery) => notifier.deployment(event, delivery),
        error: (event, delivery) => notifier.error(event, delivery),
        recommendation: (event, delivery) => notifier.recommendation(event, delivery),
        'check.finished': (event, delivery) => notifier.checkFinished(event, delivery),
        inspection: (event, delivery) => notifier.inspection(event, delivery),
        'insights.weekly': (event, delivery) => notifier.insightsWeekly(event, delivery),
        'silence.ended': (event, delivery) => notifier.silenceEnded(event, delivery),
      },
      schedules: [
        {
          // Posted items are kept a day so a late retry cannot queue them again; clearing them here rather than
          // after each post keeps a statement that grows with the channel's history off every post.
          name: 'prune',
          cron: '23 * * * *',
          run: async () => ({ summary: `cleared ${await turns.prune()} posted items older than a day` }),
        },
      ],
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
