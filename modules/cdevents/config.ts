import { z } from 'zod';
import { envString, envUrl, type Enablement } from '../../src/module-api.js';

export const MODES = ['structured', 'binary'] as const;

/** CDEVENTS_*: where the hub's own events go as CDEvents, and how. */
export const cdeventsConfigSchema = z
  .object({
    CDEVENTS_SINK_URL: envUrl().meta({
      description: '*URL.* Where every CloudEvent is POSTed (a broker, an event listener).',
    }),
    CDEVENTS_SINK_TOKEN: envString().meta({ secret: true, description: 'Sent as `Authorization: Bearer` when set.' }),
    CDEVENTS_SOURCE: envString().meta({
      default: "the hub's public URL",
      description: "The CloudEvents `source` and CDEvents `context.source` of the hub's events.",
    }),
    CDEVENTS_MODE: z
      .preprocess(
        (value) => (typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : undefined),
        z.enum(MODES, { message: 'expected structured or binary' }).optional(),
      )
      .meta({
        default: '`structured`',
        description:
          '`structured` (`application/cloudevents+json`) or `binary` (`ce-*` headers, percent-encoded as the HTTP binding says, the CDEvent as an `application/json` body).',
      }),
  })
  .transform((env) => ({
    sinkUrl: env.CDEVENTS_SINK_URL,
    token: env.CDEVENTS_SINK_TOKEN,
    /** The CloudEvents `source` (and CDEvents context source); the hub's public URL when unset. */
    source: env.CDEVENTS_SOURCE,
    mode: env.CDEVENTS_MODE ?? 'structured',
  }));

export type CdEventsConfig = z.output<typeof cdeventsConfigSchema>;

export function cdeventsEnablement(config: CdEventsConfig): Enablement {
  return config.sinkUrl ? { enabled: true } : { enabled: false, reason: 'CDEVENTS_SINK_URL is not set' };
}
