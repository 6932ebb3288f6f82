import type { Router } from 'express';
import { hubRouter } from '../../util/http-router.js';
import type { Inspections } from '../../checks/inspections.js';
import { methodNotAllowed } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { requireAdmin } from './admin.js';
import { z } from 'zod';
import { limitQuery } from './checks.js';

const transitionsQuery = z.object({ limit: limitQuery(50, 500) });
import { doc } from '../route-docs.js';

/** Inspections with their parameters (secrets masked), schedule, last run and keys; central parameters for admins. */
export function inspectionRoutes(deps: { inspections: Inspections; adminToken?: string }): Router {
  const router = hubRouter();
  const admin = requireAdmin(deps.adminToken);
  const { inspections } = deps;
  const tags = ['inspections'];

  router.get(
    '/api/v1/inspections',
    doc({
      summary: 'Inspections with parameters (secrets as ***), schedule, last run and the state of every key',
      tags,
    }),
    async (_req, res) => {
      res.json({ inspections: await inspections.list() });
    },
  );

  router
    .route('/api/v1/inspections/:id/parameters')
    .get(
      doc({
        summary: "An inspection's parameters: value and source (default, env, central)",
        tags,
        auth: 'admin',
        errors: { 404: 'no such inspection' },
      }),
      admin,
      async (req, res) => {
        res.json(await inspections.parametersOf(String(req.params.id)));
      },
    )
    .put(
      doc({
        summary:
          "Set central parameter values (validated by the inspection's schema), from the next run on every replica",
        tags,
        auth: 'admin',
        documentedBody: z
          .record(z.string(), z.unknown())
          .describe("parameter name -> value, each validated by the inspection's own schema (GET lists them)"),
        errors: { 400: 'the parameter named', 404: 'no such inspection' },
      }),
      admin,
      ...jsonBody(),
      async (req, res) => {
        res.json(await inspections.setParameters(String(req.params.id), req.body));
      },
    )
    .all(admin, methodNotAllowed(['GET', 'PUT']));

  router
    .route('/api/v1/inspections/:id/parameters/:name')
    .delete(
      doc({
        summary: 'Return a parameter to its default (or env value)',
        tags,
        auth: 'admin',
        errors: { 404: 'no such inspection or parameter' },
      }),
      admin,
      async (req, res) => {
        res.json(await inspections.deleteParameter(String(req.params.id), String(req.params.name)));
      },
    )
    .all(admin, methodNotAllowed(['DELETE']));

  router.get(
    '/api/v1/inspections/:id/transitions',
    doc({
      summary: 'Alert transitions, newest first (?limit)',
      tags,
      query: transitionsQuery,
      errors: { 404: 'no such inspection' },
    }),
    async (req, res) => {
      const { limit } = res.locals.query as z.output<typeof transitionsQuery>;
      res.json({ transitions: await inspections.transitions(String(req.params.id), limit) });
    },
  );
  return router;
}
