import { defineModule } from '../../src/module-api.js';
import { healthInspection } from './health.js';

/**
 * Endpoint health: the hub watches each deployed application's monitor page itself (what UptimeRobot's
 * keyword monitors did), as the inspection `endpoints.health`. It handles no events; its results alert on
 * change only, and the alerts go out as `inspection` events.
 */
export const endpointsModule = defineModule({
  name: 'endpoints',
  description: "Endpoint health: GETs each deployed application's monitor URL every minute and looks for its keyword",
  events: [],
  create: ({ core }) => ({
    handlers: {},
    inspections: [healthInspection(core)],
  }),
});
