import { toCdEvent } from './build.js';
import { cdeventsConfigSchema, cdeventsEnablement } from './config.js';
import { OWN_EVENT_EXTENSION, defineModule, type DeliveryContext, type HubEvent } from '../../src/module-api.js';

/**
 * The hub's deployments, errors and alerts as CDEvents (spec v0.5) in CloudEvents 1.0 over HTTP, POSTed to
 * CDEVENTS_SINK_URL, so other tools can listen to the hub. The CloudEvent id is the hub's event id: a retried
 * delivery repeats it, and a sink that drops repeats keeps one. Retries, backoff and Retry-After come from the
 * delivery engine.
 */
export const cdeventsModule = defineModule({
  name: 'cdevents',
  description: 'Sends deployments, errors and alerts as CDEvents to CDEVENTS_SINK_URL',
  events: ['deployment', 'error', 'inspection'],
  configSchema: cdeventsConfigSchema,
  secrets: (config) => [config.token],
  enablement: (config) => cdeventsEnablement(config),
  create: (context) => {
    const { config, core } = context;
    const client = context.http({
      baseURL: config.sinkUrl!,
      service: 'CDEvents sink',
      ...(config.token ? { headers: { Authorization: `Bearer ${config.token}` } } : {}),
    });
    const source = config.source ?? core.publicUrl;
    const send = async (event: HubEvent, delivery: DeliveryContext) => {
      const cdevent = toCdEvent(event, source, `${core.publicUrl}/api/v1/events/${event.id}`);
      if (!cdevent) return { summary: `nothing to send for ${event.type}`, notify: false };
      const attributes = {
        id: cdevent.context.id,
        source: cdevent.context.source,
        type: cdevent.context.type,
        subject: cdevent.subject.id,
        time: cdevent.context.timestamp,
        [OWN_EVENT_EXTENSION]: event.id,
      };
      const response =
        config.mode === 'binary'
          ? await client.post('', JSON.stringify(cdevent), {
              signal: delivery.signal,
              headers: {
                'Content-Type': 'application/json',
                'ce-specversion': '1.0',
                ...Object.fromEntries(
                  Object.entries(attributes).map(([name, value]) => [`ce-${name}`, headerValue(value)]),
                ),
              },
            })
          : await client.post(
              '',
              JSON.stringify({ specversion: '1.0', ...attributes, datacontenttype: 'application/json', data: cdevent }),
              { signal: delivery.signal, headers: { 'Content-Type': 'application/cloudevents+json' } },
            );
      return { summary: `sent ${cdevent.context.type} (${response.status})`, notify: false };
    };
    return { handlers: { deployment: send, error: send, inspection: send } };
  },
});

/** The HTTP binding percent-encodes what a header cannot carry as is: space, `"`, `%` and all but printable ASCII. */
function headerValue(value: string): string {
  return value.replace(/[^\x21-\x7e]|["%]/gu, (char) => encodeURIComponent(char));
}
