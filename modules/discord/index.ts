import { discordConfigSchema, discordEnablement, discordTargetSettings, type DiscordConfig } from './config.js';
import { discordProvider } from './provider.js';
import { createProviderTargets, defineModule } from '../../src/module-api.js';

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
  events: ['deployment', 'error', 'recommendation', 'check.finished', 'inspection', 'insights.weekly', 'silence.ended'],
  configSchema: discordConfigSchema,
  secrets: (config) => [config.webhookUrl],
  enablement: discordEnablement,
  delivery: { timeoutMs: 30_000 },
  create(ctx) {
    const { config } = ctx;
    const routing = {
      override: [],
      always: [DISCORD_ADDRESS],
      allowed: [],
      normalise: (values: readonly string[]) => (values.length > 0 ? [DISCORD_ADDRESS] : []),
    };
    const make = (settings: DiscordConfig) => {
      const http = ctx.http({
        baseURL: settings.webhookUrl!,
        service: 'Discord webhook',
        timeoutMs: settings.timeoutMs,
      });
      return { provider: discordProvider(settings, http), routing };
    };
    // The environment's target `discord`, and every Discord target stored at run time, each with its own webhook.
    const notifier = createProviderTargets(ctx, {
      kind: { provider: 'discord', settings: discordTargetSettings, envVariable: 'DISCORD_WEBHOOK_URL' },
      env: config.webhookUrl ? make(config) : null,
      build: (settings) => make({ ...config, ...settings }),
    });
    return {
      handlers: notifier.handlers(),
      schedules: [notifier.pruneSchedule(31, 'posted messages')],
    };
  },
});
