import { createHash } from 'node:crypto';
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

export const DEFAULT_EVENTS_URL = 'https://events.pagerduty.com';

const configSchema = z.object({
  PAGERDUTY_ROUTING_KEY: envString().meta({
    secret: true,
    description:
      'Integration (routing) key of an Events API v2 integration on a PagerDuty service. With it, alerts open, escalations raise and recoveries resolve one incident per check key; deployments go as change events.',
  }),
  PAGERDUTY_EVENTS_URL: envUrlWithDefault(DEFAULT_EVENTS_URL).meta({
    description:
      '*URL.* Events API base (a proxy, or a fake in tests); `/v2/enqueue` and `/v2/change/enqueue` are added.',
  }),
});

/** PagerDuty's four severities; `ok` and `info` only reach it on a recovery, which carries none. */
export function severityOf(status: CheckStatus): 'critical' | 'error' | 'warning' | 'info' {
  return status === 'critical' || status === 'error' || status === 'warning' ? status : 'info';
}

/** PagerDuty keeps at most 255 characters of a dedup key: a longer check key keeps its start and a hash of all. */
export function dedupKeyOf(key: string): string {
  if (key.length <= 255) return key;
  return `${key.slice(0, 230)}#${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function pagerdutyProvider(client: AxiosInstance, routingKey: string, publicUrl: string): IncidentProvider {
  const enqueue = async (path: string, body: unknown, signal: AbortSignal) => {
    const answer = await client.post(path, body, { signal, headers: { 'Content-Type': 'application/json' } });
    return answer.status;
  };
  return {
    name: 'pagerduty',
    defaultKinds: ['alert', 'escalation', 'recovery', 'deployment', 'removal'],
    async incident(_address, kind, t, signal) {
      const dedup_key = dedupKeyOf(t.key);
      if (kind === 'recovery') {
        await enqueue('/v2/enqueue', { routing_key: routingKey, event_action: 'resolve', dedup_key }, signal);
        return `resolved ${dedup_key}`;
      }
      const severity = severityOf(t.status);
      await enqueue(
        '/v2/enqueue',
        {
          routing_key: routingKey,
          event_action: 'trigger',
          dedup_key,
          client: 'Alvares',
          client_url: publicUrl,
          payload: {
            summary: cut(`${t.status.toUpperCase()}: ${t.title}`, 1024),
            source: cut(t.dimensions.application ?? t.dimensions.target ?? t.check, 255),
            severity,
            timestamp: t.at,
            class: t.check,
            ...(t.dimensions.application ? { component: t.dimensions.application } : {}),
            ...(t.dimensions.cluster ? { group: t.dimensions.cluster } : {}),
            custom_details: {
              check: t.check,
              key: t.key,
              status: t.status,
              previousStatus: t.previousStatus,
              since: t.since,
              message: t.message,
              ...t.dimensions,
            },
          },
          links: [{ href: t.link, text: 'The check on the hub' }],
        },
        signal,
      );
      return `${kind === 'alert' ? 'triggered' : 'raised'} ${dedup_key} (${severity})`;
    },
    async change(_address, d, links, signal) {
      const what = d.removal ? 'removed' : 'deployed';
      await enqueue(
        '/v2/change/enqueue',
        {
          routing_key: routingKey,
          payload: {
            summary: cut(`${d.applicationName} ${d.version} ${what} in ${d.cluster}`, 1024),
            source: 'Alvares',
            timestamp: new Date().toISOString(),
            custom_details: {
              application: d.applicationName,
              version: d.version,
              cluster: d.cluster,
              team: d.team ?? null,
            },
          },
          links: [{ href: `${links.publicUrl}/api/v1/events/${links.eventId}`, text: 'The deployment on the hub' }],
        },
        signal,
      );
      return `change event for ${d.applicationName} ${d.version}`;
    },
  };
}

/**
 * PagerDuty (Events API v2): one incident per check key, opened by an alert, raised by an escalation and resolved
 * by the recovery, all by the same dedup key; deployments as change events. Routing, silences and retries come
 * from the notification layer and the delivery engine; PagerDuty collapses repeats of one dedup key.
 */
export const pagerdutyModule = defineModule({
  name: 'pagerduty',
  description: 'PagerDuty incidents for alerts (one per check key), change events for deployments',
  notification: true,
  events: ['inspection', 'deployment'],
  configSchema,
  secrets: (config) => [config.PAGERDUTY_ROUTING_KEY],
  enablement: (config) =>
    config.PAGERDUTY_ROUTING_KEY ? { enabled: true } : { enabled: false, reason: 'PAGERDUTY_ROUTING_KEY is not set' },
  create(ctx) {
    const { config } = ctx;
    const client = ctx.http({ baseURL: config.PAGERDUTY_EVENTS_URL.replace(/\/+$/, ''), service: 'PagerDuty' });
    const notifier = createIncidentNotifier(ctx, {
      provider: pagerdutyProvider(client, config.PAGERDUTY_ROUTING_KEY!, ctx.core.publicUrl),
    });
    return {
      handlers: {
        inspection: (event, delivery) => notifier.inspection(event, delivery),
        deployment: (event, delivery) => notifier.deployment(event, delivery),
      },
    };
  },
});
