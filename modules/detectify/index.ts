import { DetectifyClient } from './client.js';
import { detectifyConfigSchema, detectifyEnablement } from './config.js';
import { handleDeployment } from './scans.js';
import { defineModule } from '../../src/module-api.js';

/**
 * Detectify security scans after a deployment: for each configured key, start a scan on each of the
 * deployment's profiles that is not already scanning; on removal, a reminder to remove the profile.
 */
export const detectifyModule = defineModule({
  name: 'detectify',
  description: 'Detectify security scans of deployed applications',
  events: ['deployment'],
  legacyNames: ['modules.subscribers.detectify', 'modules.subscribers.detectify.detectify'],
  configSchema: detectifyConfigSchema,
  // Each key is a secret: the redactor then removes it from every log line, error and page.
  secrets: (config) => config.apiKeys,
  enablement: detectifyEnablement,
  create: ({ config, http }) => {
    const client = new DetectifyClient(http({ baseURL: config.apiBaseUrl, service: 'Detectify' }));
    return {
      handlers: {
        deployment: (event, delivery) =>
          handleDeployment({ client, config, logger: delivery.logger, signal: delivery.signal }, event.payload),
      },
    };
  },
});
