import { z } from 'zod';
import { envBool, envList, envString, envUrlWithDefault, type Enablement } from '../../src/module-api.js';

export const DEFAULT_API_BASE_URL = 'https://api.uptimerobot.com/v2';
/** The original's fallback when no Slack alert contact matched the team. */
export const DEFAULT_ALERT_CONTACT = '#team-pipeline';

/** The original's host overrides for UptimeRobot; accepted so old environments still start, but unused. */
export const LEGACY_HOST_KEYS = [
  'UTR_KTH_APP_HOST',
  'UTR_KTH_API_HOST',
  'UTR_KTH_APP_HOST_STAGE',
  'UTR_KTH_API_HOST_STAGE',
] as const;

export const uptimerobotConfigSchema = z
  .object({
    UTR_API_KEY: envString(),
    UPTIMEROBOT_API_KEY: envString(),
    UTR_API_BASE_URL: envUrlWithDefault(DEFAULT_API_BASE_URL),
    UTR_CLUSTERS: envList(),
    UTR_EXCLUDED_APPS: envList(),
    UTR_DEFAULT_ALERT_CONTACT: envString(),
    FEATURE_FLAG_UTR_DELETE_ON_ZERO_REPLICAS: envBool(false),
    // envString, not envUrl: they are ignored, so a value the original accepted must not stop start-up.
    UTR_KTH_APP_HOST: envString(),
    UTR_KTH_API_HOST: envString(),
    UTR_KTH_APP_HOST_STAGE: envString(),
    UTR_KTH_API_HOST_STAGE: envString(),
  })
  .transform((env) => ({
    // UTR_API_KEY wins: it is the name the original's code read; UPTIMEROBOT_API_KEY is the one its README listed.
    apiKey: env.UTR_API_KEY ?? env.UPTIMEROBOT_API_KEY,
    apiBaseUrl: env.UTR_API_BASE_URL.replace(/\/+$/, ''),
    clusters: env.UTR_CLUSTERS,
    excludedApps: env.UTR_EXCLUDED_APPS,
    defaultAlertContact: env.UTR_DEFAULT_ALERT_CONTACT ?? DEFAULT_ALERT_CONTACT,
    deleteOnZeroReplicas: env.FEATURE_FLAG_UTR_DELETE_ON_ZERO_REPLICAS,
    legacyHostKeysSet: LEGACY_HOST_KEYS.filter((key) => env[key] !== undefined),
  }));

export type UptimeRobotConfig = z.infer<typeof uptimerobotConfigSchema>;

export function uptimerobotEnablement(config: UptimeRobotConfig): Enablement {
  return config.apiKey
    ? { enabled: true }
    : { enabled: false, reason: 'no API key: set UTR_API_KEY (or UPTIMEROBOT_API_KEY)' };
}
