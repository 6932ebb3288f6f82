import { z } from 'zod';
import { envInt, envList, envString, envUrl, type Enablement } from '../../src/module-api.js';

/** GRAFANA_*: where the annotations go and how they are tagged. */
export const grafanaConfigSchema = z
  .object({
    GRAFANA_URL: envUrl().meta({
      description:
        "*URL.* Grafana's base URL (`https://grafana.example.com`); annotations go to `<GRAFANA_URL>/api/annotations`. A trailing `/` is removed.",
    }),
    GRAFANA_TOKEN: envString().meta({
      secret: true,
      description:
        'A service-account token with the `annotations:write` and `annotations:read` (for retries) permissions, sent as `Authorization: Bearer`.',
    }),
    GRAFANA_DASHBOARD_UID: envString().meta({
      default: '(unset: organisation annotations)',
      description:
        'Put every annotation on this dashboard (otherwise they are organisation annotations, shown by any dashboard whose annotation query asks for their tags).',
    }),
    GRAFANA_PANEL_ID: envInt(0, { min: 0, max: 2_147_483_647 }).meta({
      description: 'With a dashboard, on this panel only; `0`: no panel.',
    }),
    GRAFANA_TAGS: envList().meta({
      description:
        'Tags added to every annotation, besides the kind, `application:`, `cluster:`, `version:`, `team:` and `event:` tags.',
    }),
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
