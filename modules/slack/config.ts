import { z } from 'zod';
import { normaliseChannels, normalisePatterns } from './routing.js';
import { envInt, envList, envString, envUrl, envUrlWithDefault, type Enablement } from '../../src/module-api.js';

export const DEFAULT_API_BASE_URL = 'https://slack.com/api/';

/** The original's SLACK_* names; the schema turns them into the typed config the module works with. */
export const slackConfigSchema = z
  .object({
    SLACK_TOKEN: envString(),
    SLACK_WEB_HOOK: envUrl(),
    SLACK_API_BASE_URL: envUrlWithDefault(DEFAULT_API_BASE_URL),
    SLACK_CHANNEL_OVERRIDE: envList(),
    SLACK_CHANNELS: envList(),
    SLACK_PACE_MS: envInt(1000, { min: 0, max: 60_000 }),
    SLACK_BURST: envInt(3, { min: 1, max: 100 }),
    SLACK_DIGEST_AFTER: envInt(3, { min: 1, max: 1000 }),
    SLACK_ALLOWED_CHANNELS: envList(),
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
