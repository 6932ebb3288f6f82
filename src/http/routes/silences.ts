import type { Router } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors.js';
import { MATCHER_KEYS, matchersSchema, type MatcherKey } from '../../silences/matchers.js';
import { SILENCE_ORIGINS, silenceInput, type SilenceInput } from '../../silences/model.js';
import type { SilenceFilter, Silences } from '../../silences/silences.js';
import { isUuid } from '../../store/delivery-views.js';
import type { Access } from '../auth.js';
import { methodNotAllowed } from '../errors.js';
import { doc } from '../route-docs.js';
import { hubRouter } from '../../util/http-router.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const tags = ['silences'];
const isoTime = z.iso.datetime({ offset: true });

export const silenceView = z.object({
  id: z.uuid(),
  matchers: matchersSchema,
  startsAt: isoTime,
  endsAt: isoTime.nullable(),
  recurrence: z.string().nullable(),
  durationMinutes: z.number().int().nullable(),
  timeZone: z.string().nullable(),
  reason: z.string(),
  createdBy: z.string(),
  origin: z.enum(SILENCE_ORIGINS),
  createdAt: isoTime,
  endedBy: z.string().nullable(),
  state: z.enum(['active', 'pending', 'expired']),
  window: z
    .object({ opensAt: isoTime, closesAt: isoTime })
    .nullable()
    .meta({ description: 'The window holding now (a one-off: its whole span), or the next to open.' }),
  held: z.number().int().optional().meta({ description: 'Deliveries it held (ended suppressed).' }),
});

const listQuery = z.strictObject({
  activeAt: isoTime.optional().meta({ description: 'Judge states at this time (default now).' }),
  state: z
    .enum(['active', 'pending', 'expired', 'all'])
    .default('active')
    .meta({ description: 'active (default), pending, expired, or all (the history, newest first).' }),
  ...(Object.fromEntries(MATCHER_KEYS.map((key) => [key, z.string().min(1).max(200).optional()])) as Record<
    MatcherKey,
    z.ZodOptional<z.ZodString>
  >),
});
const idParam = z.object({ id: z.uuid() });
const holdingQuery = z.strictObject({
  application: z.string().min(1).max(200).optional(),
  cluster: z.string().min(1).max(200).optional(),
  team: z.string().min(1).max(200).optional(),
  kind: z.string().min(1).max(200).meta({
    description: 'the event type (deployment, inspection, …) or the kind said (removal, alert, escalation, …)',
  }),
  check: z.string().min(1).max(200).optional(),
  target: z
    .string()
    .min(1)
    .max(200)
    .meta({ description: 'where it would go: a target (slack-ops), held also by silences naming its module (slack)' }),
});

function silenceId(id: string): string {
  if (!isUuid(id)) throw new HubError('HUB_ERR_NOT_FOUND', `no silence ${id}`);
  return id;
}

/**
 * Silences and maintenance windows. Creating and ending them takes the admin token, or an ingest token when
 * INGEST_TOKENS is set (a pipeline mutes around its own deploy); reads are reads (READ_TOKEN when set).
 */
export function silenceRoutes(deps: {
  silences: Silences;
  access: Access;
  /** The module delivering a target's sends: a silence naming the module holds the target too. */
  moduleOf?: (target: string) => string | null;
}): Router {
  const router = hubRouter();
  const writer = deps.access.adminOrIngestToken;

  router
    .route('/api/v1/silences')
    .post(
      doc({
        summary: 'Create a silence or a recurring maintenance window',
        description:
          'Notifications it matches are not sent: their deliveries end `suppressed` with its id and can be replayed. `Idempotency-Key` returns the silence created with that key before. A silence that matches nothing is created with a warning.',
        tags,
        auth: 'admin',
        body: silenceInput,
        headers: z.object({ 'Idempotency-Key': z.string().optional() }),
        status: 201,
        response: z.object({ silence: silenceView, warnings: z.array(z.string()) }),
        errors: { 400: 'a field is invalid (named)', 401: 'no admin or ingest token' },
      }),
      writer,
      async (req, res) => {
        const key = req.get('Idempotency-Key');
        if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
          throw new HubError('HUB_ERR_BAD_PARAMETER', 'Idempotency-Key must be 1-200 visible ASCII characters', [
            { field: 'Idempotency-Key', message: 'invalid' },
          ]);
        const actor = String(res.locals.actor);
        const created = await deps.silences.create(
          req.body as SilenceInput,
          { createdBy: actor, origin: 'api' },
          key ? `${actor}:${key}` : null,
        );
        res.status(201).json({ silence: created.silence, warnings: created.warnings });
      },
    )
    .get(
      doc({
        summary: 'Silences holding now (or at activeAt), or in another state',
        description:
          'Matcher keys as parameters (`application=api`) keep the silences that could hold a notification with that value.',
        tags,
        query: listQuery,
        response: z.object({ silences: z.array(silenceView) }),
      }),
      async (_req, res) => {
        const query = res.locals.query as z.infer<typeof listQuery>;
        const filter: SilenceFilter = {};
        for (const key of MATCHER_KEYS) if (query[key] !== undefined) filter[key] = query[key];
        const silences = await deps.silences.list({
          ...(query.activeAt ? { at: new Date(query.activeAt) } : {}),
          state: query.state,
          filter,
        });
        res.json({ silences });
      },
    )
    .all(methodNotAllowed(['GET', 'POST']));

  router.get(
    '/api/v1/silences/holding',
    doc({
      summary: 'Which silence would hold a notification with these facts now (null: it would be sent)',
      tags,
      query: holdingQuery,
      response: z.object({ silence: silenceView.nullable() }),
    }),
    async (_req, res) => {
      const facts = res.locals.query as z.infer<typeof holdingQuery>;
      const module = deps.moduleOf?.(facts.target) ?? facts.target;
      const holding = deps.silences.holding({
        ...facts,
        target: module === facts.target ? facts.target : [facts.target, module],
      });
      res.json({ silence: holding ? await deps.silences.get(holding.id) : null });
    },
  );

  router
    .route('/api/v1/silences/:id')
    .get(
      doc({ summary: 'One silence, with how many deliveries it held', tags, params: idParam, response: silenceView }),
      async (req, res) => {
        const found = await deps.silences.get(silenceId(req.params.id));
        if (!found) throw new HubError('HUB_ERR_NOT_FOUND', `no silence ${req.params.id}`);
        res.json(found);
      },
    )
    .delete(
      doc({
        summary: 'End a silence now (kept in the history as expired)',
        tags,
        auth: 'admin',
        params: idParam,
        response: silenceView,
        errors: { 404: 'no such silence' },
      }),
      writer,
      async (req, res) => {
        const ended = await deps.silences.end(silenceId(req.params.id), String(res.locals.actor));
        if (!ended) throw new HubError('HUB_ERR_NOT_FOUND', `no silence ${req.params.id}`);
        res.json(ended);
      },
    )
    .all(methodNotAllowed(['GET', 'DELETE']));

  return router;
}
