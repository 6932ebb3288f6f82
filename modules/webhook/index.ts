import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { templatedBody, templatesSchema } from './templates.js';
import { defineModule, envString, envUrl, type DeliveryContext, type HubEvent } from '../../src/module-api.js';

const configSchema = z.object({
  WEBHOOK_URL: envUrl().meta({
    description:
      '*URL.* Every accepted deployment, error and recommendation is POSTed here as JSON (`{id, type, receivedAt, payload}`).',
  }),
  WEBHOOK_SECRET: envString().meta({
    secret: true,
    description: 'When set, each body is signed: `X-Alvares-Signature: sha256=<hex HMAC-SHA256 of the body>`.',
  }),
  ...templatesSchema,
});

/** HMAC-SHA256 of the exact body, so the receiver can tell the hub sent it. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * A generic outbound webhook: every accepted deployment, error and recommendation is POSTed as JSON to
 * WEBHOOK_URL, for tools the hub has no module for. Retries, backoff and Retry-After come from the
 * delivery engine; the event id travels in a header so receivers can drop repeats.
 */
export const webhookModule = defineModule({
  name: 'webhook',
  description: 'POSTs every event as JSON to WEBHOOK_URL',
  events: ['deployment', 'error', 'recommendation'],
  configSchema,
  secrets: (config) => [config.WEBHOOK_SECRET],
  enablement: (config) =>
    config.WEBHOOK_URL ? { enabled: true } : { enabled: false, reason: 'WEBHOOK_URL is not set' },
  create: ({ config, http, core }) => {
    const client = http({ baseURL: config.WEBHOOK_URL!, service: 'webhook' });
    const templates: Record<string, string | undefined> = {
      deployment: config.WEBHOOK_TEMPLATE_DEPLOYMENT,
      error: config.WEBHOOK_TEMPLATE_ERROR,
      recommendation: config.WEBHOOK_TEMPLATE_RECOMMENDATION,
    };
    const send = async (event: HubEvent, attempt: number, signal: AbortSignal) => {
      const template = templates[event.type];
      const link = `${core.publicUrl}/api/v1/events/${event.id}`;
      const body = template
        ? await templatedBody(
            template,
            { id: event.id, type: event.type, payload: event.payload, link },
            core.publicUrl,
          )
        : JSON.stringify({
            id: event.id,
            type: event.type,
            receivedAt: event.receivedAt,
            payload: event.payload,
          });
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'X-Alvares-Event-Id': event.id,
        'X-Alvares-Event-Type': event.type,
        'X-Alvares-Attempt': String(attempt),
      };
      if (config.WEBHOOK_SECRET) headers['X-Alvares-Signature'] = signBody(body, config.WEBHOOK_SECRET);
      const response = await client.post('', body, { headers, signal });
      return { summary: `POSTed to webhook (${response.status})`, notify: false };
    };
    const handle = (event: HubEvent, delivery: DeliveryContext) => send(event, delivery.attempt, delivery.signal);
    return { handlers: { deployment: handle, error: handle, recommendation: handle } };
  },
});
