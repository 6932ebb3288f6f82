import { HistoryWriter } from './history.js';
import { MIGRATIONS } from './migrations.js';
import { mountHistoryRoutes } from './routes.js';
import { defineModule } from '../../src/module-api.js';

/**
 * The deployment history: every deployment, error and recommendation, raw and enriched, in the hub's
 * PostgreSQL, with the query API the original's history service offered.
 */
export const databaseModule = defineModule({
  name: 'database',
  description: 'Deployment history in PostgreSQL, with a query API',
  events: ['deployment', 'error', 'recommendation'],
  legacyNames: [
    'modules.subscribers.database.cosmosdb',
    'modules.subscribers.database',
    'modules.subscribers.database.database',
  ],
  migrations: MIGRATIONS,
  create: ({ db }) => {
    const history = new HistoryWriter(db);
    return {
      handlers: {
        deployment: (event) => history.storeDeployment(event),
        error: (event) => history.storeError(event),
        recommendation: (event) => history.storeRecommendation(event),
      },
      routes(router) {
        mountHistoryRoutes(router, db);
      },
    };
  },
});
