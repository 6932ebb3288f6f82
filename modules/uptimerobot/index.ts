import { UptimeRobotClient } from './client.js';
import { uptimerobotConfigSchema, uptimerobotEnablement } from './config.js';
import { syncMonitor } from './monitor.js';
import { defineModule } from '../../src/module-api.js';

/**
 * UptimeRobot keyword monitors for published applications: created on the first deployment, edited on
 * the next ones, deleted on removal behind FEATURE_FLAG_UTR_DELETE_ON_ZERO_REPLICAS. The outcome is the
 * check's result, which the hub reports to the deployment's Slack thread.
 */
export const uptimerobotModule = defineModule({
  name: 'uptimerobot',
  description: 'UptimeRobot keyword monitors for deployed applications',
  events: ['deployment'],
  legacyNames: ['modules.subscribers.uptimerobot', 'modules.subscribers.uptimerobot.uptimerobot'],
  configSchema: uptimerobotConfigSchema,
  secrets: (config) => [config.apiKey],
  enablement: uptimerobotEnablement,
  create: ({ config, logger, http }) => {
    if (config.legacyHostKeysSet.length > 0) {
      logger.warn('ignored: monitor URLs come from the cluster host settings (ACTIVE_APP_HOST, ...)', {
        keys: config.legacyHostKeysSet,
      });
    }
    // enablement() keeps the module from being created without a key.
    const client = new UptimeRobotClient(http({ baseURL: config.apiBaseUrl, service: 'UptimeRobot' }), config.apiKey!);
    return {
      handlers: {
        deployment: (event, delivery) =>
          syncMonitor({ client, config, logger: delivery.logger, signal: delivery.signal }, event.payload),
      },
    };
  },
});
