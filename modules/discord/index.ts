import { discordConfigSchema, discordEnablement } from './config.js';
import { discordProvider } from './provider.js';
import { createNotifier, defineModule } from '../../src/module-api.js';

/** The one address of a Discord target: its webhook's channel. Every address a route or payload names means it. */
export const DISCORD_ADDRESS = 'webhook';

/**
 * Discord: every message as an embed through a channel webhook, the root edited with each outcome. The
 * notification layer (src/notify) decides what goes out and when; this module is how it reaches Discord.
 */
export const discordModule = defineModule({
  name: 'discord',
  description: 'Discord embeds through a channel webhook, roots edited with outcomes',
  notification: true,
  events: ['deployment', 'error', 'recommendation', 'check.finished', 'inspection', 'insights.weekly'],
  configSchema: discordConfigSchema,
  secrets: (config) => [config.webhookUrl],
  enablement: discordEnablement,
  delivery: { timeoutMs: 30_000 },
  create(ctx) {
    const { config } = ctx;
    const http = ctx.http({ baseURL: config.webhookUrl!, service: 'Discord webhook', timeoutMs: config.timeoutMs });
    const notifier = createNotifier(ctx, {
      provider: discordProvider(config, http),
      routing: {
        override: [],
        always: [DISCORD_ADDRESS],
        allowed: [],
        normalise: (values) => (values.length > 0 ? [DISCORD_ADDRESS] : []),
      },
    });
    return {
      handlers: {
        deployment: (event, delivery) => notifier.deployment(event, delivery),
        error: (event, delivery) => notifier.error(event, delivery),
        recommendation: (event, delivery) => notifier.recommendation(event, delivery),
        'check.finished': (event, delivery) => notifier.checkFinished(event, delivery),
        inspection: (event, delivery) => notifier.inspection(event, delivery),
        'insights.weekly': (event, delivery) => notifier.insightsWeekly(event, delivery),
      },
      schedules: [
        {
          name: 'prune',
          cron: '31 * * * *',
          run: async () => ({ summary: `cleared ${await notifier.prune()} posted messages older than a day` }),
        },
      ],
    };
  },
});
