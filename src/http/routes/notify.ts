import type { Router } from 'express';
import { z } from 'zod';
import { hubRouter } from '../../util/http-router.js';
import type { CoreConfig } from '../../config/config.js';
import { HubError } from '../../errors.js';
import type { EventType } from '../../events/types.js';
import { validateAndEnrich } from '../../ingest/ingest.js';
import { defaultRoutes } from '../../notify/default-routes.js';
import { explainEvent, type HeldBy } from '../../notify/explain.js';
import type { NotifyHooks } from '../../notify/hooks.js';
import { routesBodySchema } from '../../notify/routes.js';
import type { Db } from '../../store/db.js';
import { isUuid } from '../../store/delivery-views.js';
import { findEvent } from '../../store/events-repo.js';
import type { Access } from '../auth.js';
import { methodNotAllowed } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { doc } from '../route-docs.js';

const testBody = z.union([
  z.object({ eventId: z.string().min(1).max(100) }).strict(),
  z
    .object({ type: z.enum(['deployment', 'error', 'recommendation']), payload: z.record(z.string(), z.unknown()) })
    .strict(),
]);

/** Routes and the explanation of where an event goes: the notification layer over HTTP. */
export function notifyRoutes(deps: {
  hooks: NotifyHooks;
  db: Db;
  config: Readonly<CoreConfig>;
  access: Access;
  publicUrl: () => string;
  /** Which silence would hold the event's notification to a target now (null: it would be sent). */
  heldBy?: HeldBy;
}): Router {
  const router = hubRouter();
  const admin = deps.access.requireToken('admin');
  const tags = ['notifications'];
  const { hooks } = deps;
  const book = () => {
    if (!hooks.routes) throw new HubError('HUB_ERR_UNAVAILABLE', 'the store is not open yet');
    return hooks.routes;
  };

  router
    .route('/api/v1/notify/routes')
    .get(
      doc({
        summary: "The routes in force: stored ones, or the default (today's SLACK_* rules) written as routes",
        tags,
      }),
      async (_req, res) => {
        const stored = await book().stored();
        res.json(stored ? { routes: stored, source: 'stored' } : { routes: defaultRoutes(hooks), source: 'default' });
      },
    )
    .put(
      doc({
        summary: 'Replace the routes (first match wins unless `continue`); every replica within seconds',
        tags,
        auth: 'admin',
        documentedBody: routesBodySchema,
        errors: { 400: 'the path of every invalid field, an unknown target, a bad regular expression' },
      }),
      admin,
      ...jsonBody(),
      async (req, res) => {
        res.json({ routes: await book().replace(req.body, 'admin'), source: 'stored' });
      },
    )
    .delete(
      doc({
        summary: 'Remove the stored routes: the default routing is in force again',
        tags,
        auth: 'admin',
        errors: { 404: 'no stored routes: the default routing is already in force' },
      }),
      admin,
      async (_req, res) => {
        await book().reset('admin');
        res.json({ routes: defaultRoutes(hooks), source: 'default' });
      },
    )
    .all(methodNotAllowed(['GET', 'PUT', 'DELETE']));

  router.post(
    '/api/v1/notify/test',
    doc({
      summary: 'Where an event goes (a stored one by id, or a body as ingest would take it) and why; sends nothing',
      tags,
      auth: 'admin',
      body: testBody,
      errors: { 400: 'the body names the bad field', 404: 'no such event' },
    }),
    admin,
    async (req, res) => {
      const body = req.body as z.output<typeof testBody>;
      let event: { id: string; type: EventType; payload: unknown };
      if ('eventId' in body) {
        const found = isUuid(body.eventId) ? await findEvent(deps.db, body.eventId) : null;
        if (!found) throw new HubError('HUB_ERR_NOT_FOUND', `no event ${body.eventId}`);
        event = { id: found.id, type: found.type as EventType, payload: found.payload };
      } else {
        event = {
          id: '00000000-0000-4000-8000-000000000000',
          type: body.type,
          payload: validateAndEnrich(body.type, body.payload, deps.config),
        };
      }
      res.json(await explainEvent(hooks, event, deps.publicUrl(), deps.heldBy));
    },
  );
  return router;
}
