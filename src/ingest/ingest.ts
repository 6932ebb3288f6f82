import { createHash, randomUUID } from 'node:crypto';
import type { CoreConfig } from '../config/config.js';
import { enrichDeployment, enrichError, enrichRecommendation } from '../events/enrich.js';
import { INGEST_SCHEMAS, type IngestType } from '../events/schemas.js';
import type { EventMap } from '../events/types.js';
import { validationError } from '../http/errors.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { Accepted, DeliveryTarget, EventWriter, NewEvent } from '../store/event-writer.js';

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
export function errorFingerprint(error: { applicationName: string | null; cluster: string | null; message: string }): string {
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

export function deliveryTargets<T extends keyof EventMap>(registry: ModuleRegistry, type: T, payload: EventMap[T]): DeliveryTarget[] {
  return registry.subscribersOf(type, payload).map((module) => ({
    deliveryId: randomUUID(),
    module,
    policy: registry.policyFor(module),
  }));
}

export class IngestService {
  constructor(
    private readonly config: CoreConfig,
    private readonly registry: ModuleRegistry,
    private readonly writer: EventWriter,
  ) {}

  async ingest(type: IngestType, body: unknown, options: { idempotencyKey?: string } = {}): Promise<Accepted> {
    const payload = validateAndEnrich(type, body, this.config);
    const record = payload as unknown as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    const event: NewEvent = {
      id: randomUUID(),
      type,
      payload,
      raw: body,
      parentId: null,
      applicationName: text(record.applicationName),
      cluster: text(record.cluster),
      team: text(record.team),
      targets: deliveryTargets(this.registry, type, payload),
      ...(options.idempotencyKey ? { idempotencyKey: `${type}:${options.idempotencyKey}` } : {}),
    };
    // Aspen gives up after 5 s and may send the same deployment again; errors have storm control instead.
    if (!options.idempotencyKey && type !== 'error') event.bodyHash = sha256(`${type}\n${JSON.stringify(body)}`);
    if (type === 'error') event.fingerprint = errorFingerprint(payload as EventMap['error']);
    return this.writer.accept(event);
  }
}
