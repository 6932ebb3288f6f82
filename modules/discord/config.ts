import { z } from 'zod';
import { envInt, envUrl, isHttpUrl, storableText, type Enablement } from '../../src/module-api.js';

export const discordConfigSchema = z
  .object({
    DISCORD_WEBHOOK_URL: envUrl().meta({
      secret: true,
      description:
        "*URL.* The channel's webhook (`https://discord.com/api/webhooks/<id>/<token>`); creates the target `discord`. Carries the webhook's token: never shown.",
    }),
    DISCORD_PACE_MS: envInt(2000, { min: 0, max: 60_000 }).meta({
      description:
        'After a burst of 5, one message per this many ms (Discord allows a webhook 5 requests per 2 s and a channel 30 messages a minute), 0-60000; more waiting go as one digest. `0` turns pacing off.',
    }),
    DISCORD_TIMEOUT_MS: envInt(10_000, { min: 100, max: 60_000 }).meta({
      description: 'How long one call to Discord may take before it is retried, 100-60000 ms.',
    }),
  })
  .transform((env) => ({
    webhookUrl: env.DISCORD_WEBHOOK_URL,
    paceMs: env.DISCORD_PACE_MS,
    timeoutMs: env.DISCORD_TIMEOUT_MS,
  }));

export type DiscordConfig = z.output<typeof discordConfigSchema>;

export function discordEnablement(config: DiscordConfig): Enablement {
  return config.webhookUrl ? { enabled: true } : { enabled: false, reason: 'DISCORD_WEBHOOK_URL is not set' };
}

/**
 * One stored Discord target's settings (`PUT /api/v1/notify/targets/:name` with provider `discord`): its own webhook,
 * and any of the environment's other settings it wants otherwise.
 */
export const discordTargetSettings = z.object({
  webhookUrl: storableText()
    .max(2000)
    .refine(isHttpUrl, { message: 'expected an http(s) URL' })
    .meta({ secret: true, description: "The target's own webhook; never shown." }),
  paceMs: z.number().int().min(0).max(60_000).optional(),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
});
