import { cdeventsModule } from './cdevents/index.js';
import { databaseModule } from './database/index.js';
import { detectifyModule } from './detectify/index.js';
import { endpointsModule } from './endpoints/index.js';
import { grafanaModule } from './grafana/index.js';
import { lighthouseModule } from './lighthouse/index.js';
import { opsgenieModule } from './opsgenie/index.js';
import { pagerdutyModule } from './pagerduty/index.js';
import { slackModule } from './slack/index.js';
import { uptimerobotModule } from './uptimerobot/index.js';
import { webhookModule } from './webhook/index.js';
import type { AnyModuleDefinition } from '../src/module-api.js';

/** The one explicit list of integrations. Order is subscription order; the hub checks it at boot. */
export const MODULES: readonly AnyModuleDefinition[] = [
  databaseModule,
  slackModule,
  uptimerobotModule,
  detectifyModule,
  lighthouseModule,
  webhookModule,
  endpointsModule,
  grafanaModule,
  cdeventsModule,
  pagerdutyModule,
  opsgenieModule,
];
