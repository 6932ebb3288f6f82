import type { Router } from 'express';
import { z } from 'zod';
import { hubRouter } from '../../util/http-router.js';
import { decodeCursor, type CheckCatalog } from '../../checks/catalog.js';
import { CHECK_BODIES } from '../../checks/external-check-schemas.js';
import type { ExternalChecks } from '../../checks/external-checks.js';
import { HubError } from '../../errors.js';
import { methodNotAllowed } from '../errors.js';
import { jsonBody, optionalJsonBody } from '../json-body.js';
import { doc } from '../route-docs.js';
import { requireAdmin } from './admin.js';
import { storableText, storableTime } from '../../util/input-rules.js';

/** `?limit=`: a whole number within bounds, `fallback` when absent; a 400 naming it otherwise. */
export const limitQuery = (fallback: number, max: number) =>
  z.coerce
    .number()
    .int(`an integer from 1 to ${max}`)
    .min(1, `an integer from 1 to ${max}`)
    .max(max, `an integer from 1 to ${max}`)
    .default(fallback)
    .describe(`how many, 1-${max} (default ${fallback})`);

const runsQuery = z.object({
  limit: limitQuery(20, 200),
  cursor: z
    .string()
    .max(300)
    .optional()
    .transform((value, context) => {
      try {
        return decodeCursor(value);
      } catch {
        context.addIssue({ code: 'custom', message: 'not a cursor this API handed out' });
        return z.NEVER;
      }
    })
    .describe('the nextCursor of the page before'),
});

const errorsQuery = z.object({
  check: z
    .preprocess((value) => (value === '' ? undefined : value), storableText().max(200).optional())
    .describe('one check'),
  since: storableTime().optional().describe('at or after: an ISO 8601 time or Unix seconds (default: 24 hours ago)'),
  limit: limitQuery(100, 500),
});

/**
 * The check model over HTTP: every check with its state, a check's runs, the errors page for admins, and
 * the external checks' reporting API (admin token, or the check's own token).
 */
export function checkRoutes(deps: {
  catalog: CheckCatalog;
  external: ExternalChecks;
  adminToken?: string;
  publicUrl: string;
}): Router {
  const router = hubRouter();
  const admin = requireAdmin(deps.adminToken);
  const { catalog, external } = deps;
  const body = jsonBody();
  const optional = optionalJsonBody();
  const tags = ['checks'];
  const bearer = { 401: "no or wrong token (admin or the check's own)", 404: 'no such check' };
  const runUrl = (name: string, runId: string) =>
    `${deps.publicUrl}/api/v1/checks/${encodeURIComponent(name)}/runs/${encodeURIComponent(runId)}`;

  router.get(
    '/api/v1/checks',
    doc({
      summary: 'Every check (modules, inspections, external) with its runs in progress, last result and alert state',
      tags,
    }),
    async (_req, res) => {
      res.json({ checks: await catalog.list() });
    },
  );

  router
    .route('/api/v1/checks/:name')
    .put(
      doc({
        summary: 'Create or update an external check; answers its token once (rotateToken: true for a new one)',
        tags,
        auth: 'admin',
        documentedBody: CHECK_BODIES.settings,
        errors: { 400: 'a field named', 409: "a module's name" },
      }),
      admin,
      ...body,
      async (req, res) => {
        const { name, token, check, created } = await external.put(String(req.params.name), req.body);
        res.status(created ? 201 : 200).json({ name, ...(token ? { token } : {}), check });
      },
    )
    .all(methodNotAllowed(['PUT']));

  router
    .route('/api/v1/checks/:name/runs')
    .get(
      doc({
        summary: 'Runs of a check, newest first (?limit, ?cursor)',
        tags,
        query: runsQuery,
        errors: { 404: 'no such check' },
      }),
      async (req, res) => {
        const { limit, cursor } = res.locals.query as z.output<typeof runsQuery>;
        res.json(await catalog.runs(String(req.params.name), limit, cursor));
      },
    )
    .post(
      doc({
        summary: 'Start a run of an external check (the same runId again answers the same run)',
        tags,
        documentedBody: CHECK_BODIES.start,
        status: 201,
        errors: bearer,
      }),
      ...optional,
      async (req, res) => {
        const check = await external.authorize(String(req.params.name), req.get('authorization'));
        const { run, created } = await external.start(check, req.body);
        res
          .status(created ? 201 : 200)
          .json({ runId: run.runId, status: run.status, url: runUrl(check.name, run.runId), run });
      },
    )
    .all(methodNotAllowed(['GET', 'POST']));

  router.post(
    '/api/v1/checks/:name/runs/:runId/result',
    doc({
      summary: 'Set the result of a run',
      tags,
      documentedBody: CHECK_BODIES.result,
      errors: { ...bearer, 409: 'the run is finished' },
    }),
    ...body,
    async (req, res) => {
      const check = await external.authorize(String(req.params.name), req.get('authorization'));
      const run = await external.result(check, String(req.params.runId), req.body);
      res.json({ runId: run.runId, status: run.status, result: run.result });
    },
  );

  router.post(
    '/api/v1/checks/:name/runs/:runId/errors',
    doc({
      summary: 'Add an error to a run',
      tags,
      documentedBody: CHECK_BODIES.error,
      status: 201,
      errors: { ...bearer, 409: 'the run is finished' },
    }),
    ...body,
    async (req, res) => {
      const check = await external.authorize(String(req.params.name), req.get('authorization'));
      const run = await external.error(check, String(req.params.runId), req.body);
      res.status(201).json({ runId: run.runId, status: run.status, errors: run.errors });
    },
  );

  router.post(
    '/api/v1/checks/:name/runs/:runId/done',
    doc({ summary: 'Finish a run', tags, errors: { ...bearer, 409: 'the run timed out' } }),
    ...optional,
    async (req, res) => {
      const check = await external.authorize(String(req.params.name), req.get('authorization'));
      const run = await external.done(check, String(req.params.runId));
      res.json({ runId: run.runId, status: run.status, durationMs: run.durationMs, result: run.result });
    },
  );

  router.post(
    '/api/v1/checks/:name/results',
    doc({
      summary: 'Report a finished run in one call',
      tags,
      documentedBody: CHECK_BODIES.oneShot,
      status: 201,
      errors: bearer,
    }),
    ...body,
    async (req, res) => {
      const check = await external.authorize(String(req.params.name), req.get('authorization'));
      const { run, created } = await external.oneShot(check, req.body);
      res.status(created ? 201 : 200).json({
        runId: run.runId,
        status: run.status,
        durationMs: run.durationMs,
        url: runUrl(check.name, run.runId),
        run,
      });
    },
  );

  router.get(
    '/api/v1/checks/:name/runs/:runId',
    doc({ summary: 'One run with its result and errors', tags, errors: { 404: 'no such check or run' } }),
    async (req, res) => {
      const [name, runId] = [String(req.params.name), String(req.params.runId)];
      const run = await catalog.run(name, runId);
      if (!run) throw new HubError('HUB_ERR_NOT_FOUND', `no run "${runId}" of "${name}"`);
      res.json(run);
    },
  );

  router.get(
    '/api/v1/errors',
    doc({
      summary: 'Recent errors of every check, newest first (?check, ?since, ?limit)',
      tags,
      auth: 'admin',
      query: errorsQuery,
      errors: { 404: 'no such check' },
    }),
    admin,
    async (_req, res) => {
      const query = res.locals.query as z.output<typeof errorsQuery>;
      if (query.check) await catalog.kindOf(query.check);
      res.json({
        errors: await catalog.errors({
          ...(query.check ? { check: query.check } : {}),
          since: query.since ?? new Date(Date.now() - 24 * 3600_000),
          limit: query.limit,
        }),
      });
    },
  );

  return router;
}
