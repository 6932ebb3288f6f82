import { Router } from 'express';
import type { Inspections } from '../../checks/inspections.js';
import { methodNotAllowed } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { requireAdmin } from './admin.js';
import { limitParam } from './checks.js';

/** Inspections with their parameters (secrets masked), schedule, last run and keys; central parameters for admins. */
export function inspectionRoutes(deps: { inspections: Inspections; adminToken?: string }): Router {
  const router = Router();
  const admin = requireAdmin(deps.adminToken);
  const { inspections } = deps;

  router.get('/api/v1/inspections', async (_req, res) => {
    res.json({ inspections: await inspections.list() });
  });

  router
    .route('/api/v1/inspections/:id/parameters')
    .get(admin, async (req, res) => {
      res.json(await inspections.parametersOf(String(req.params.id)));
    })
    .put(admin, ...jsonBody(), async (req, res) => {
      res.json(await inspections.setParameters(String(req.params.id), req.body));
    })
    .all(admin, methodNotAllowed(['GET', 'PUT']));

  router
    .route('/api/v1/inspections/:id/parameters/:name')
    .delete(admin, async (req, res) => {
      res.json(await inspections.deleteParameter(String(req.params.id), String(req.params.name)));
    })
    .all(admin, methodNotAllowed(['DELETE']));

  router.get('/api/v1/inspections/:id/transitions', async (req, res) => {
    res.json({ transitions: await inspections.transitions(String(req.params.id), limitParam(req.query.limit, 50, 500)) });
  });
  return router;
}
