import { deploymentAnnotation, kindOf } from './annotation.js';
import { grafanaConfigSchema, grafanaEnablement } from './config.js';
import { DeliveryError, defineModule } from '../../src/module-api.js';

/**
 * Deploy markers on Grafana dashboards: an annotation (`POST /api/annotations`, Bearer GRAFANA_TOKEN) for every
 * deployment, removal and rollback, tagged with kind, application, cluster and version. Retries, backoff and
 * Retry-After come from the delivery engine; a retry first looks for the annotation its earlier attempt may
 * have made (tag `event:<id>`), so a deployment gets one marker.
 */
export const grafanaModule = defineModule({
  name: 'grafana',
  description: 'Grafana annotations for deployments, removals and rollbacks',
  events: ['deployment'],
  configSchema: grafanaConfigSchema,
  secrets: (config) => [config.token],
  enablement: (config) => grafanaEnablement(config),
  create: (context) => {
    const { config, core } = context;
    const client = context.http({
      baseURL: config.url!,
      service: 'Grafana',
      headers: { Authorization: `Bearer ${config.token!}` },
    });
    return {
      handlers: {
        deployment: async (event, delivery) => {
          const annotation = deploymentAnnotation(
            event.payload,
            { id: event.id, receivedAt: event.receivedAt, url: `${core.publicUrl}/events/${event.id}` },
            config,
          );
          const kind = kindOf(event.payload);
          if (delivery.attempt > 1) {
            const found = await client.get<Array<{ id: number }>>('/api/annotations', {
              params: { tags: `event:${event.id}`, limit: 1 },
              signal: delivery.signal,
            });
            const earlier = Array.isArray(found.data) ? found.data[0] : undefined;
            if (earlier)
              return { summary: `${kind} annotation ${earlier.id} (made by an earlier attempt)`, notify: false };
          }
          const answer = await client.post<{ id?: number; message?: string }>('/api/annotations', annotation, {
            signal: delivery.signal,
          });
          if (typeof answer.data?.id !== 'number')
            throw new DeliveryError('Grafana answered without an annotation id', { code: 'HUB_ERR_UPSTREAM_ANSWER' });
          return {
            summary: `${kind} annotation ${answer.data.id} in Grafana`,
            details: { annotationId: answer.data.id, tags: annotation.tags },
            notify: false,
          };
        },
      },
    };
  },
});
