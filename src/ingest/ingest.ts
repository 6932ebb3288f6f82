import { createHash } from 'node:crypto';
import type { CoreConfig } from '../config/config.js';
import { validationError } from '../errors.js';
import type { EventBus } from '../bus/bus.js';
import { enrichDeployment, enrichError, enrichRecommendation } from '../events/enrich.js';
import { INGEST_SCHEMAS, type IngestType } from '../events/schemas.js';
import type { EventMap } from '../events/types.js';
import type { Accepted } from '../bus/fan-out.js';

/** Validates and enriches a body. Throws a 400 HubError naming every bad field. */
export function validateAndEnrich<T extends IngestType>(type: T, body: unknown, config: CoreConfig): EventMap[T] {
  const parsed = INGEST_SCHEMAS[type].safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, type);
  switch (type) {
    case 'deployment':
      return enrichDeployment(parsed.data as never, config) as EventMap[T];
    case 'error':
      return enrichError(parsed.data as never) as EventMap[T];
    default:
      return enrichRecommendation(parsed.data as never, config) as EventMap[T];
  }
}

/**
 * Error fingerprint for storm control: same application, cluster and message once the parts that vary
 * between repeats (hex ids, uuids, durations, numbers) are stripped.
 */
export function errorFingerprint(error: {
  applicationName: string | null;
  cluster: string | null;
  message: string;
}): string {
  const normalised = error.message
    .toLowerCase()
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<id>')
    .replace(/\b(0x)?[0-9a-f]{8,}\b/g, '<hex>')
    .replace(/\b\d+(\.\d+)?\s*(ms|s|sec|secs|seconds?|m|min|minutes?|h|hours?)\b/g, '<duration>')
    .replace(/\d+/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
  return sha256(`${error.applicationName ?? ''}\n${error.cluster ?? ''}\n${normalised}`);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What the pipeline sends, made into an event: validated, enriched, keyed for repeats, onto the bus. */
export class IngestService {
  constructor(
    private readonly config: CoreConfig,
    private readonly bus: EventBus,
  ) {}

  async ingest(
    type: IngestType,
    body: unknown,
    options: { idempotencyKey?: string; sender?: string | null } = {},
  ): Promise<Accepted> {
    const payload = validateAndEnrich(type, body, this.config);
    return this.bus.accept({
      type,
      payload,
      raw: body,
      sender: options.sender ?? null,
      ...(options.idempotencyKey ? { idempotencyKey: `${type}:${options.idempotencyKey}` } : {}),
      // Aspen gives up after 5 s and may send the same deployment again; errors have storm control instead.
      ...(!options.idempotencyKey && type !== 'error' ? { bodyHash: sha256(`${type}\n${JSON.stringify(body)}`) } : {}),
      ...(type === 'error' ? { fingerprint: errorFingerprint(payload as EventMap['error']) } : {}),
    });
  }
}
