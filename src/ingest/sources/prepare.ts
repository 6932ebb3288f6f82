import type { EventInput } from '../../bus/bus.js';
import type { CoreConfig } from '../../config/config.js';
import { HubError, validationError, type FieldProblem } from '../../errors.js';
import { enrichDeployment, enrichError } from '../../events/enrich.js';
import { deploymentSchema, errorSchema } from '../../events/schemas.js';
import type { Mapped, Origins, SourceName } from './mapped.js';

/**
 * An adapter's mapped input made into the event to store: validated and enriched exactly as Aspen's JSON is
 * (src/ingest/ingest.ts), keyed by the source's own identity of it, and marked with the source. A 400 names the
 * field of the source's input the bad value came from (`[1].data.customData.slackChannels`). Null: ignored.
 */
export function prepareMapped(
  source: SourceName,
  mapped: Mapped,
  raw: unknown,
  config: CoreConfig,
  prefix = '',
): EventInput | null {
  switch (mapped.kind) {
    case 'ignored':
      return null;
    case 'cdevent':
      return {
        type: 'cdevent',
        payload: mapped.payload,
        raw,
        ingestSource: source,
        idempotencyKey: keyOf(source, mapped),
      };
    case 'deployment': {
      const parsed = deploymentSchema.safeParse(mapped.body);
      if (!parsed.success) throw renamed(parsed.error, source, mapped.origins, prefix);
      return {
        type: 'deployment',
        payload: enrichDeployment(parsed.data, config, mapped.facts),
        raw,
        ingestSource: source,
        idempotencyKey: keyOf(source, mapped),
      };
    }
    case 'error': {
      const parsed = errorSchema.safeParse(mapped.body);
      if (!parsed.success) throw renamed(parsed.error, source, mapped.origins, prefix);
      return {
        type: 'error',
        payload: enrichError(parsed.data),
        raw,
        ingestSource: source,
        idempotencyKey: keyOf(source, mapped),
      };
    }
  }
}

/**
 * `<type>:<source> <the source's key>`: a source's repeat of an input is the first event, and never another
 * source's. The space keeps it apart from Aspen's Idempotency-Key values, which cannot hold one.
 */
function keyOf(source: SourceName, mapped: Extract<Mapped, { key: string }>): string {
  return `${mapped.kind}:${source} ${mapped.key}`;
}

function renamed(
  error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> },
  source: SourceName,
  origins: Origins,
  prefix: string,
): HubError {
  const base = validationError(error, 'event');
  const fields: FieldProblem[] = (base.fields ?? []).map((problem) => {
    const [head, ...rest] = problem.field.split('.');
    const origin = origins[head!] ?? head!;
    return { field: `${prefix}${[origin, ...rest].join('.')}`, message: problem.message };
  });
  const names = [...new Set(fields.map((field) => field.field))].join(', ');
  return new HubError('HUB_ERR_VALIDATION', `invalid ${source} event: ${names}`, fields);
}
