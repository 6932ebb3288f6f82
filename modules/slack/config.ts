import { z } from 'zod';
import { normaliseChannels, normalisePatterns } from './routing.js';
import {
  envInt,
  envList,
  envString,
  envUrl,
  envUrlWithDefault,
  isHttpUrl,
  storableText,
  type Enablement,
} from '../../src/module-api.js';

export const DEFAULT_API_BASE_URL = 'https://slack.com/api/';

/** The original's SLACK_* names; the schema turns them into the typed config the module works with. */
export const slackConfigSchema = z
  .object({
    SLACK_TOKEN: envString().meta({
      secret: true,
      description:
        "Bot token (`xoxb-...`). Scopes: `chat:write`; `channels:history` and `groups:history` (reading a channel back to find a post of unknown fate); `channels:read` and `groups:read` (finding a channel's id by name, only for a channel the hub never got an answer from). With it the Web API is used: one thread per deployment and channel, root edited with every outcome.",
    }),
    SLACK_WEB_HOOK: envUrl().meta({
      secret: true,
      description:
        '*URL.* Incoming-webhook URL, used only when there is no token: one message per channel, no threads, no updates.',
    }),
    SLACK_API_BASE_URL: envUrlWithDefault(DEFAULT_API_BASE_URL).meta({
      description: '*URL.* Web API base (a proxy, or a fake in tests). A missing trailing `/` is added.',
    }),
    SLACK_CHANNEL_OVERRIDE: envList().meta({
      description: 'Channels that receive every message, and then no other channel does.',
    }),
    SLACK_CHANNELS: envList().meta({
      description: 'Channels told about every deployment, and about errors that name no channel.',
    }),
    SLACK_PACE_MS: envInt(1000, { min: 0, max: 60_000 }).meta({
      description:
        "After the burst, one post per channel per this many ms, 0-60000 (kept a twentieth slower, so network jitter does not cross Slack's line; shared by all replicas, through PostgreSQL). `0` turns pacing off.",
    }),
    SLACK_BURST: envInt(3, { min: 1, max: 100 }).meta({
      description: "Posts a quiet channel may take at once (Slack's burst), 1-100.",
    }),
    SLACK_DIGEST_AFTER: envInt(3, { min: 1, max: 1000 }).meta({
      description: 'More messages than this waiting for one channel are posted as one digest at its next turn, 1-1000.',
    }),
    SLACK_ALLOWED_CHANNELS: envList().meta({
      default: '(empty: any channel)',
      description:
        "Names or patterns (`#team-*`, `#app-?`, conversation ids) a payload's `slackChannels` may name; others are dropped and listed on the delivery's result. Empty: any channel. `SLACK_CHANNELS` and `SLACK_CHANNEL_OVERRIDE` are always allowed.",
    }),
  })
  .transform((env) => ({
    token: env.SLACK_TOKEN,
    webhookUrl: env.SLACK_WEB_HOOK,
    // @slack/web-api joins method names straight onto this: "https://slack.com/api/" + "chat.postMessage".
    apiBaseUrl: env.SLACK_API_BASE_URL.endsWith('/') ? env.SLACK_API_BASE_URL : `${env.SLACK_API_BASE_URL}/`,
    channelOverride: normaliseChannels(env.SLACK_CHANNEL_OVERRIDE),
    channels: normaliseChannels(env.SLACK_CHANNELS),
    paceMs: env.SLACK_PACE_MS,
    burst: env.SLACK_BURST,
    digestAfter: env.SLACK_DIGEST_AFTER,
    allowedChannels: normalisePatterns(env.SLACK_ALLOWED_CHANNELS),
  }));

export type SlackConfig = z.output<typeof slackConfigSchema>;

/** The Web API when there is a token (threads, updates); the incoming webhook otherwise; off with neither. */
export function slackEnablement(config: SlackConfig): Enablement {
  if (config.token || config.webhookUrl) return { enabled: true };
  return { enabled: false, reason: 'neither SLACK_TOKEN nor SLACK_WEB_HOOK is set' };
}

export function slackSecrets(config: SlackConfig): Array<string | undefined> {
  return [config.token, config.webhookUrl];
}

const channelList = z.array(storableText().min(1).max(200)).max(200).optional();

/**
 * One stored Slack target's settings (`PUT /api/v1/notify/targets/:name` with provider `slack`): its own bot token
 * (or incoming webhook) and channels, in the SLACK_* variables' meaning; the Web API base is the environment's.
 */
export const slackTargetSettings = z
  .object({
    token: storableText()
      .min(4)
      .max(500)
      .optional()
      .meta({ secret: true, description: "The target's own bot token (`xoxb-...`); never shown." }),
    webhookUrl: storableText().max(2000).refine(isHttpUrl, { message: 'expected an http(s) URL' }).optional().meta({
      secret: true,
      description: "The target's own incoming webhook, used when it has no token; never shown.",
    }),
    channels: channelList,
    channelOverride: channelList,
    allowedChannels: channelList,
    paceMs: z.number().int().min(0).max(60_000).optional(),
    burst: z.number().int().min(1).max(100).optional(),
    digestAfter: z.number().int().min(1).max(1000).optional(),
  })
  .refine((settings) => settings.token !== undefined || settings.webhookUrl !== undefined, {
    message: 'give a token or a webhookUrl',
    path: ['token'],
  });

/** A stored target's config: the environment's, with the target's own settings over it. */
export function slackTargetConfig(env: SlackConfig, settings: z.output<typeof slackTargetSettings>): SlackConfig {
  return {
    ...env,
    token: settings.token,
    webhookUrl: settings.webhookUrl,
    channels: normaliseChannels(settings.channels ?? []),
    channelOverride: normaliseChannels(settings.channelOverride ?? []),
    allowedChannels: normalisePatterns(settings.allowedChannels ?? []),
    paceMs: settings.paceMs ?? env.paceMs,
    burst: settings.burst ?? env.burst,
    digestAfter: settings.digestAfter ?? env.digestAfter,
  };
}
