import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import {
  createIncidentNotifier,
  defineModule,
  envString,
  envUrlWithDefault,
  type CheckStatus,
  type IncidentProvider,
} from '../../src/module-api.js';

export const DEFAULT_API_URL = 'https://api.opsgenie.com';

const configSchema = z.object({
  OPSGENIE_API_KEY: envString().meta({
    secret: true,
    description:
      'Key of an Opsgenie API integration (sent as `Authorization: GenieKey <key>`). With it, alerts create one Opsgenie alert per check key (its alias), escalations add a note and recoveries close it.',
  }),
  OPSGENIE_API_URL: envUrlWithDefault(DEFAULT_API_URL).meta({
    description: '*URL.* Alert API base (`https://api.eu.opsgenie.com` for the EU instance, a fake in tests).',
  }),
});

/** Opsgenie's priorities, worst first: P1 for critical, P2 error, P3 warning, P5 anything milder. */
export function priorityOf(status: CheckStatus): 'P1' | 'P2' | 'P3' | 'P5' {
  return status === 'critical' ? 'P1' : status === 'error' ? 'P2' : status === 'warning' ? 'P3' : 'P5';
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Opsgenie keeps at most 512 characters of an alias; check keys are far shorter, a longer one is cut. */
export const aliasOf = (key: string): string => cut(key, 512);

function opsgenieProvider(client: AxiosInstance): IncidentProvider {
  const call = async (path: string, body: unknown, signal: AbortSignal) => {
    const answer = await client.post<{ requestId?: string }>(path, body, { signal });
    return answer.data?.requestId ?? null;
  };
  const byAlias = (alias: string, action: string) =>
    `/v2/alerts/${encodeURIComponent(alias)}/${action}?identifierType=alias`;
  return {
    name: 'opsgenie',
    defaultKinds: ['alert', 'escalation', 'recovery'],
    async incident(_address, kind, t, signal) {
      const alias = aliasOf(t.key);
      if (kind === 'recovery') {
        const requestId = await call(
          byAlias(alias, 'close'),
          { source: 'Alvares', note: cut(t.title, 25_000) },
          signal,
        );
        return `closed ${alias} (request ${requestId ?? 'unknown'})`;
      }
      if (kind === 'escalation') {
        const note = cut(`Escalated to ${t.status} (was ${t.previousStatus ?? 'unknown'}): ${t.title}`, 25_000);
        const requestId = await call(byAlias(alias, 'notes'), { source: 'Alvares', note }, signal);
        return `noted the escalation on ${alias} (request ${requestId ?? 'unknown'})`;
      }
      const requestId = await call(
        '/v2/alerts',
        {
          message: cut(`${t.status.toUpperCase()}: ${t.title}`, 130),
          alias,
          description: cut(`${t.message}\n\n${t.link}`, 15_000),
          priority: priorityOf(t.status),
          source: 'Alvares',
          entity: cut(t.dimensions.application ?? t.check, 512),
          tags: ['alvares', t.check].map((tag) => cut(tag, 50)),
          details: { check: t.check, key: t.key, status: t.status, since: t.since, link: t.link, ...t.dimensions },
        },
        signal,
      );
      return `created ${alias} (request ${requestId ?? 'unknown'})`;
    },
  };
}

/**
 * Opsgenie (Alert API v2): one alert per check key, its alias, so a repeated create collapses onto the open alert;
 * an escalation adds a note, a recovery closes it by alias. Opsgenie answers 202 and processes later: the request
 * id is kept in the delivery's result. Routing, silences and retries come from the notification layer.
 */
export const opsgenieModule = defineModule({
  name: 'opsgenie',
  description: 'Opsgenie alerts for check alerts (one per check key), closed on recovery',
  notification: true,
  events: ['inspection'],
  configSchema,
  secrets: (config) => [config.OPSGENIE_API_KEY],
  enablement: (config) =>
    config.OPSGENIE_API_KEY ? { enabled: true } : { enabled: false, reason: 'OPSGENIE_API_KEY is not set' },
  create(ctx) {
    const { config } = ctx;
    const client = ctx.http({
      baseURL: config.OPSGENIE_API_URL.replace(/\/+$/, ''),
      service: 'Opsgenie',
      headers: { Authorization: `GenieKey ${config.OPSGENIE_API_KEY!}`, 'Content-Type': 'application/json' },
    });
    const notifier = createIncidentNotifier(ctx, { provider: opsgenieProvider(client) });
    return { handlers: { inspection: (event, delivery) => notifier.inspection(event, delivery) } };
  },
});
