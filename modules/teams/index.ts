import { teamsConfigSchema, teamsEnablement, teamsTargetSettings, type TeamsConfig } from './config.js';
import { teamsProvider } from './provider.js';
import { createProviderTargets, defineModule } from '../../src/module-api.js';

/** The one address of a Teams target: its webhook. Every address a route or payload names means it. */
export const TEAMS_ADDRESS = 'webhook';

/**
 * Microsoft Teams: every message as an Adaptive Card through a Workflows webhook. The notification layer
 * (src/notify) decides what goes out and when; this module is how a card reaches Teams.
 */
export const teamsModule = defineModule({
  name: 'teams',
  description: 'Microsoft Teams Adaptive Cards through a Workflows webhook',
  notification: true,
  events: ['deployment', 'error', 'recommendation', 'check.finished', 'inspection', 'insights.weekly', 'silence.ended'],
  configSchema: teamsConfigSchema,
  secrets: (config) => [config.webhookUrl],
  enablement: teamsEnablement,
  delivery: { timeoutMs: 30_000 },
  create(ctx) {
    const { config } = ctx;
    const routing = {
      override: [],
      always: [TEAMS_ADDRESS],
      allowed: [],
      normalise: (values: readonly string[]) => (values.length > 0 ? [TEAMS_ADDRESS] : []),
    };
    const make = (settings: TeamsConfig) => {
      const http = ctx.http({ baseURL: settings.webhookUrl!, service: 'Teams webhook', timeoutMs: settings.timeoutMs });
      return { provider: teamsProvider(settings, http), routing };
    };
    // The environment's target `teams`, and every Teams target stored at run time, each with its own webhook.
    const notifier = createProviderTargets(ctx, {
      kind: { provider: 'teams', settings: teamsTargetSettings, envVariable: 'TEAMS_WEBHOOK_URL' },
      env: config.webhookUrl ? make(config) : null,
      build: (settings) => make({ ...config, ...settings }),
    });
    return {
      handlers: notifier.handlers(),
      schedules: [notifier.pruneSchedule(29, 'posted cards')],
    };
  },
});
