import { z } from 'zod';
import { envList, envUrlWithDefault, type Enablement } from '../../src/module-api.js';

export const DEFAULT_API_BASE_URL = 'https://api.detectify.com/rest/v2';

export const detectifyConfigSchema = z
  .object({
    DETECTIFY_API_KEYS: envList().meta({
      secret: true,
      description:
        "Keys, comma-separated, each one secret; for each, its scan profiles are listed and the deployment's `detectifyProfileTokens` found among them are scanned.",
    }),
    DETECTIFY_CLUSTERS: envList().meta({
      default: '(empty: no scans)',
      description:
        'Clusters whose deployments are scanned. The zero-replica reminder to remove a profile is sent in any cluster.',
    }),
    DETECTIFY_API_BASE_URL: envUrlWithDefault(DEFAULT_API_BASE_URL).meta({
      description: '*URL.* API base; a trailing `/` is removed.',
    }),
  })
  .transform((env) => ({
    apiKeys: env.DETECTIFY_API_KEYS,
    clusters: env.DETECTIFY_CLUSTERS,
    apiBaseUrl: env.DETECTIFY_API_BASE_URL.replace(/\/+$/, ''),
  }));

export type DetectifyConfig = z.infer<typeof detectifyConfigSchema>;

export function detectifyEnablement(config: DetectifyConfig): Enablement {
  return config.apiKeys.length > 0
    ? { enabled: true }
    : { enabled: false, reason: 'no API key: set DETECTIFY_API_KEYS' };
}
