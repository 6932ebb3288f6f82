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
    UTR_API_KEY: envString().meta({
      secret: true,
      description: "API key. Wins when both names are set (it is the name the original's code read).",
    }),
    UPTIMEROBOT_API_KEY: envString().meta({
      secret: true,
      description: "The same key under the name the original's README listed.",
    }),
    UTR_API_BASE_URL: envUrlWithDefault(DEFAULT_API_BASE_URL).meta({
      description: '*URL.* API base; a trailing `/` is removed.',
    }),
    UTR_CLUSTERS: envList().meta({
      default: '(empty: nothing monitored)',
      description: 'Clusters whose deployments get a keyword monitor.',
    }),
    UTR_EXCLUDED_APPS: envList().meta({ description: '`applicationName`s never monitored (exact names).' }),
    UTR_DEFAULT_ALERT_CONTACT: envString().meta({
      default: '`#team-pipeline`',
      description: "Slack alert contact used when none is named after the deployment's team or channels.",
    }),
    FEATURE_FLAG_UTR_DELETE_ON_ZERO_REPLICAS: envBool(false).meta({
      description:
        'Boolean. When an application goes to zero replicas, delete its monitor (otherwise it is left alone). A monitor is never created for zero replicas.',
    }),
    // envString, not envUrl: they are ignored, so a value the original accepted must not stop start-up.
    UTR_KTH_APP_HOST: envString().meta({
      description:
        'Unused: monitor URLs come from the cluster hosts (`ACTIVE_APP_HOST`, ...). Any string is accepted; when set, a warning is logged at start (while the module is on).',
    }),
    UTR_KTH_API_HOST: envString().meta({ description: 'Unused, as `UTR_KTH_APP_HOST`.' }),
    UTR_KTH_APP_HOST_STAGE: envString().meta({ description: 'Unused, as `UTR_KTH_APP_HOST`.' }),
    UTR_KTH_API_HOST_STAGE: envString().meta({ description: 'Unused, as `UTR_KTH_APP_HOST`.' }),
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
