import { z } from 'zod';
import { envList, envUrlWithDefault, type Enablement } from '../../src/module-api.js';

export const DEFAULT_API_BASE_URL = 'https://api.detectify.com/rest/v2';

export const detectifyConfigSchema = z
  .object({
    DETECTIFY_API_KEYS: envList(),
    DETECTIFY_CLUSTERS: envList(),
    DETECTIFY_API_BASE_URL: envUrlWithDefault(DEFAULT_API_BASE_URL),
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
