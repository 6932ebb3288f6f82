import { z } from 'zod';
import { envInt, envList, envString, envUrl, type Enablement } from '../../src/module-api.js';

/** GRAFANA_*: where the annotations go and how they are tagged. */
export const grafanaConfigSchema = z
  .object({
    GRAFANA_URL: envUrl(),
    GRAFANA_TOKEN: envString(),
    GRAFANA_DASHBOARD_UID: envString(),
    GRAFANA_PANEL_ID: envInt(0, { min: 0, max: 2_147_483_647 }),
    GRAFANA_TAGS: envList(),
  })
  .transform((env) => ({
    url: env.GRAFANA_URL?.replace(/\/+$/, ''),
    token: env.GRAFANA_TOKEN,
    dashboardUid: env.GRAFANA_DASHBOARD_UID,
    /** 0: not tied to one panel. */
    panelId: env.GRAFANA_PANEL_ID,
    extraTags: env.GRAFANA_TAGS,
  }));

export type GrafanaConfig = z.output<typeof grafanaConfigSchema>;

export function grafanaEnablement(config: GrafanaConfig): Enablement {
  if (!config.url) return { enabled: false, reason: 'GRAFANA_URL is not set' };
  if (!config.token) return { enabled: false, reason: 'GRAFANA_TOKEN is not set' };
  return { enabled: true };
}
