import { type Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { hubRouter } from '../../util/http-router.js';
import type { DeliveryEngine } from '../../delivery/engine.js';
import type { DeliveryStatus } from '../../events/types.js';
import type { ModuleRegistry } from '../../module-system/registry.js';
import type { Db } from '../../store/db.js';
import { HubError } from '../../errors.js';
import { deliveryIdsOf, findDeliveries, isUuid } from '../../store/delivery-views.js';
import { Access } from '../auth.js';
import { methodNotAllowed } from '../errors.js';
import { doc } from '../route-docs.js';
import { storableText } from '../../util/input-rules.js';

const tags = ['admin'];

const STATUSES = ['queued', 'in_progress', 'succeeded', 'failed', 'dead', 'skipped', 'suppressed'] as const;

const deliveriesQuery = z.object({
  status: z.enum(STATUSES).optional().describe('one status'),
  module: storableText().max(100).optional().describe('one module'),
  // Out-of-range limits are brought within 1-500 rather than refused, as this route always did.
  limit: z
    .string()
    .max(20)
    .optional()
    .transform((value) => Math.min(Math.max(Number(value ?? 100) || 100, 1), 500))
    .describe('page size, 1-500 (default 100)'),
});

const replayQuery = z.object({
  status: z
    .enum(['dead', 'failed', 'skipped'] satisfies DeliveryStatus[])
    .default('dead')
    .describe('which deliveries to run again (default dead)'),
});

/** The admin bearer check (src/http/auth.ts): without ADMIN_TOKEN the admin routes do not exist (404) rather than being open. */
export function requireAdmin(token: string | undefined): RequestHandler {
  return new Access({ adminToken: token, security: OPEN }).requireToken('admin');
}

const OPEN = { ingestTokens: [], ingestRatePerMinute: 0, authFailuresPerMinute: 0, outboundAllowedHosts: [] };

export function moduleRoutes(registry: ModuleRegistry): Router {
  const router = hubRouter();
  router.get('/api/v1/modules', doc({ summary: 'Every module: on or off and why', tags: ['modules'] }), (_req, res) => {
    res.json({ modules: registry.statuses() });
  });
  return router;
}

export function adminRoutes(deps: {
  db: Db;
  registry: ModuleRegistry;
  engine: DeliveryEngine;
  adminToken?: string;
  access?: Access;
}): Router {
  const router = hubRouter();
  const admin = deps.access ? deps.access.requireToken('admin') : requireAdmin(deps.adminToken);

  const moduleName = (name: string) => {
    if (!deps.registry.has(name)) throw new HubError('HUB_ERR_NOT_FOUND', `no module "${name}"`);
    return name;
  };

  router
    .route('/api/v1/modules/:name/enable')
    .post(
      doc({
        summary: 'Turn a module on (this replica)',
        tags,
        auth: 'admin',
        errors: { 404: 'no such module', 409: 'not configured' },
      }),
      admin,
      (req, res) => {
        try {
          res.json(deps.registry.enable(moduleName(req.params.name)));
        } catch (error) {
          if (error instanceof HubError) throw error;
          throw new HubError('HUB_ERR_CONFLICT', (error as Error).message);
        }
      },
    )
    .all(admin, methodNotAllowed(['POST']));

  router
    .route('/api/v1/modules/:name/disable')
    .post(
      doc({ summary: 'Turn a module off (this replica)', tags, auth: 'admin', errors: { 404: 'no such module' } }),
      admin,
      (req, res) => {
        res.json(deps.registry.disable(moduleName(req.params.name)));
      },
    )
    .all(admin, methodNotAllowed(['POST']));

  router.get(
    '/api/v1/deliveries',
    doc({
      summary: 'Deliveries, newest first (?status, ?module, ?limit)',
      tags,
      auth: 'admin',
      query: deliveriesQuery,
    }),
    admin,
    async (_req, res) => {
      const { status, module, limit } = res.locals.query as z.output<typeof deliveriesQuery>;
      res.json({ deliveries: await findDeliveries(deps.db, { status, module, limit }) });
    },
  );

  router
    .route('/api/v1/deliveries/:id/replay')
    .post(
      doc({
        summary: 'Run a finished or failed delivery again',
        tags,
        auth: 'admin',
        errors: { 404: 'no such delivery', 409: 'queued or running' },
      }),
      admin,
      async (req, res) => {
        const id = req.params.id;
        if (!isUuid(id)) throw new HubError('HUB_ERR_NOT_FOUND', `no delivery ${id}`);
        const existing = await findDeliveries(deps.db, { deliveryId: id, limit: 1 });
        if (existing.length === 0) throw new HubError('HUB_ERR_NOT_FOUND', `no delivery ${id}`);
        const replayed = await deps.db.transaction((client) => deps.engine.replay(client, [id]));
        if (replayed.length === 0)
          throw new HubError('HUB_ERR_CONFLICT', `delivery ${id} is queued or running; replay it when it ends`);
        res.json({ replayed });
      },
    )
    .all(admin, methodNotAllowed(['POST']));

  router
    .route('/api/v1/modules/:name/replay')
    .post(
      doc({
        summary: "Replay a module's dead (or ?status=failed|skipped|suppressed) deliveries",
        tags,
        auth: 'admin',
        errors: { 404: 'no such module' },
        query: replayQuery,
      }),
      admin,
      async (req, res) => {
        const name = moduleName(req.params.name);
        const { status } = res.locals.query as z.output<typeof replayQuery>;
        const ids = await deliveryIdsOf(deps.db, name, status);
        const replayed = ids.length > 0 ? await deps.db.transaction((client) => deps.engine.replay(client, ids)) : [];
        res.json({ module: name, replayed: replayed.length });
      },
    )
    .all(admin, methodNotAllowed(['POST']));

  return router;
}
