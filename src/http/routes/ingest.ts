import type { Router } from 'express';
import { hubRouter } from '../../util/http-router.js';
import type { CoreConfig } from '../../config/config.js';
import { z } from 'zod';
import { INGEST_SCHEMAS, INGEST_TYPES, ingestJsonSchema, type IngestType } from '../../events/schemas.js';
import type { IngestService } from '../../ingest/ingest.js';
import { validateAndEnrich } from '../../ingest/ingest.js';
import { HubError } from '../../errors.js';
import { methodNotAllowed } from '../errors.js';
import type { Access, IngestRequest } from '../auth.js';
import { jsonBody } from '../json-body.js';
import { doc } from '../route-docs.js';

const accepted = z.object({
  id: z.string(),
  type: z.enum(INGEST_TYPES),
  status: z.enum(['accepted', 'duplicate', 'coalesced']),
  url: z.string(),
  deliveries: z.array(z.unknown()),
  stormOf: z.string().optional(),
  sameAs: z
    .string()
    .optional()
    .describe('another source reported this deployment first: its event (nothing sent again)'),
});

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function ingestRoutes(deps: { config: CoreConfig; ingest: IngestService; access: Access }): Router {
  const router = hubRouter();
  const { access } = deps;
  // Credentials before the body is read; a signature is checked against the body as it is read, and the
  // rate limit counts only requests whose sender is proven.
  const [requireJson, parse, requireBody] = jsonBody({ verify: (req, buffer) => access.verifyBody(req, buffer) });
  const body = [access.ingestCredentials, requireJson!, parse!, access.requireVerified, access.rateLimit, requireBody!];

  for (const type of INGEST_TYPES) {
    // Documented with the schema ingest validates with (while it enriches), so not validated twice.
    const documented = doc({
      summary: `Accept ${type === 'error' ? 'an' : 'a'} ${type}: stored and its deliveries enqueued before the 200`,
      tags: ['ingest'],
      documentedBody: INGEST_SCHEMAS[type],
      headers: z.object({
        'Idempotency-Key': z
          .string()
          .regex(IDEMPOTENCY_KEY)
          .optional()
          .describe('the same key again (within a day) answers the first event instead of storing another'),
      }),
      response: accepted,
      errors: { 415: 'not JSON', 413: 'larger than 1 MiB' },
    });
    router
      .route(`/api/v1/${type}`)
      .put(documented, ...body, async (req, res) => {
        res.json(await accept(type, req.body, req.get('Idempotency-Key'), (req as IngestRequest).sender ?? null));
      })
      .post(documented, ...body, async (req, res) => {
        res.json(await accept(type, req.body, req.get('Idempotency-Key'), (req as IngestRequest).sender ?? null));
      })
      .all(methodNotAllowed(['PUT', 'POST']));
  }

  router
    .route('/api/v1/deployment/enrich')
    .post(
      doc({
        summary: 'The enriched deployment; nothing stored or sent',
        tags: ['ingest'],
        documentedBody: INGEST_SCHEMAS.deployment,
      }),
      ...body,
      (req, res) => {
        res.json(validateAndEnrich('deployment', req.body, deps.config));
      },
    )
    .all(methodNotAllowed(['POST']));

  router.get(
    '/api/v1/schemas/:type',
    doc({
      summary: 'JSON Schema of what a pipeline may send',
      tags: ['ingest'],
      params: z.object({ type: z.enum(INGEST_TYPES) }),
    }),
    (req, res) => {
      const type = String(req.params.type) as IngestType;
      if (!INGEST_TYPES.includes(type)) {
        throw new HubError('HUB_ERR_NOT_FOUND', `no schema "${type}"; try ${INGEST_TYPES.join(', ')}`);
      }
      res.json(ingestJsonSchema(type));
    },
  );

  async function accept(type: IngestType, payload: unknown, key: string | undefined, sender: string | null) {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new HubError('HUB_ERR_BAD_PARAMETER', 'Idempotency-Key must be 1-200 visible ASCII characters', [
        { field: 'Idempotency-Key', message: 'invalid' },
      ]);
    }
    const accepted = await deps.ingest.ingest(type, payload, { ...(key ? { idempotencyKey: key } : {}), sender });
    return {
      id: accepted.eventId,
      type,
      status: accepted.duplicate ? 'duplicate' : accepted.stormOf ? 'coalesced' : 'accepted',
      url: `${deps.config.publicUrl}/api/v1/events/${accepted.eventId}`,
      deliveries: accepted.deliveries,
      ...(sender ? { sender } : {}),
      ...(accepted.stormOf ? { stormOf: accepted.stormOf } : {}),
      ...(accepted.sameAs ? { sameAs: accepted.sameAs } : {}),
    };
  }

  return router;
}
