import { z } from 'zod';
import { envInt, envUrl, isHttpUrl, storableText, type Enablement } from '../../src/module-api.js';

export const teamsConfigSchema = z
  .object({
    TEAMS_WEBHOOK_URL: envUrl().meta({
      secret: true,
      description:
        '*URL.* The Teams Workflows webhook ("When a Teams webhook request is received") that posts each card to its channel; creates the target `teams`. Carries the flow\'s signature: never shown.',
    }),
    TEAMS_FOLLOW_UP_MS: envInt(60_000, { min: 0, max: 3_600_000 }).meta({
      description:
        "Outcomes of a deployment (other modules' results) are gathered this many ms after the last one arrived, then posted as one follow-up card, 0-3600000.",
    }),
    TEAMS_PACE_MS: envInt(1000, { min: 0, max: 60_000 }).meta({
      description:
        'After the burst, one card per this many ms (the webhook throttles past 4 requests a second), 0-60000; more waiting go as one digest card. `0` turns pacing off.',
    }),
    TEAMS_TIMEOUT_MS: envInt(10_000, { min: 100, max: 60_000 }).meta({
      description: 'How long one call to the webhook may take before it is retried, 100-60000 ms.',
    }),
  })
  .transform((env) => ({
    webhookUrl: env.TEAMS_WEBHOOK_URL,
    followUpMs: env.TEAMS_FOLLOW_UP_MS,
    paceMs: env.TEAMS_PACE_MS,
    timeoutMs: env.TEAMS_TIMEOUT_MS,
  }));

export type TeamsConfig = z.output<typeof teamsConfigSchema>;

export function teamsEnablement(config: TeamsConfig): Enablement {
  return config.webhookUrl ? { enabled: true } : { enabled: false, reason: 'TEAMS_WEBHOOK_URL is not set' };
}

/**
 * One stored Teams target's settings (`PUT /api/v1/notify/targets/:name` with provider `teams`): its own webhook,
 * and any of the environment's other settings it wants otherwise.
 */
export const teamsTargetSettings = z.object({
  webhookUrl: storableText()
    .max(2000)
    .refine(isHttpUrl, { message: 'expected an http(s) URL' })
    .meta({ secret: true, description: "The target's own webhook; never shown." }),
  followUpMs: z.number().int().min(0).max(3_600_000).optional(),
  paceMs: z.number().int().min(0).max(60_000).optional(),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
});
