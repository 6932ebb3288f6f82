import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { OwnedKind, Ownership } from '../../config-file/ownership.js';
import { ROUTES_KEY } from '../../config-file/ownership.js';
import { describeProblem } from '../../config-file/reloader.js';
import type { ConfigFiles } from '../../config-file/service.js';
import { liveState, OWNED_KINDS } from '../../config-file/state.js';
import { HubError } from '../../errors.js';
import { hubRouter } from '../../util/http-router.js';
import type { Access } from '../auth.js';
import { methodNotAllowed } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { doc, guardOf } from '../route-docs.js';

const tags = ['configuration'];
const validateBody = z.strictObject({
  yaml: z.string().max(1_000_000).meta({ description: 'The configuration file’s text (YAML).' }),
});
const problemSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
const diffItems = z.array(z.object({ kind: z.string(), key: z.string() }));
const diffSchema = z.object({ added: diffItems, changed: diffItems, removed: diffItems, adopted: diffItems });

/**
 * The configuration file over HTTP: reload it now, validate a file against the live configuration, export the
 * live configuration as a file.
 */
export function configLiveRoutes(deps: { files: ConfigFiles; access: Access }): Router {
  const router = hubRouter();
  const admin = deps.access.requireToken('admin');
  const { files } = deps;

  router
    .route('/api/v1/admin/config/reload')
    .post(
      doc({
        summary: 'Reload the configuration file (ALVARES_CONFIG) now, as SIGHUP and a change to the file do',
        description:
          'An invalid file changes nothing: the last good configuration stays, and the answer lists every problem (as `fields`, each `file:line:column` and message).',
        tags,
        auth: 'admin',
        response: z.object({ reloaded: z.literal(true), hash: z.string(), diff: diffSchema }),
        errors: {
          400: 'the file is invalid: every problem, the last good configuration kept',
          404: 'no ALVARES_CONFIG',
        },
      }),
      admin,
      async (_req, res) => {
        const outcome = await files.reload('admin API');
        if (!outcome)
          throw new HubError('HUB_ERR_NOT_FOUND', 'this hub runs without a configuration file (ALVARES_CONFIG)');
        if (!outcome.ok)
          throw new HubError(
            'HUB_ERR_VALIDATION',
            'the configuration file is invalid; the last good configuration stays',
            outcome.problems.map((problem) => ({
              field: problem.path.join('.') || '(file)',
              message: describeProblem(problem),
            })),
          );
        res.json({ reloaded: true, hash: outcome.hash, diff: outcome.diff });
      },
    )
    .all(methodNotAllowed(['POST']));

  router
    .route('/api/v1/config/validate')
    .post(
      doc({
        summary: 'Check a configuration file: its problems (as the command line lists them), or what it would change',
        description:
          'The body is JSON: `{"yaml": "<the file’s text>"}`. `${NAME}` references are resolved from this hub’s environment. `diff` says what applying the file here would add, change and remove (objects the file owns now and no longer names); `adopted` lists objects made through the API that the file names unchanged and would own.',
        tags,
        auth: 'admin',
        body: validateBody,
        response: z.object({
          valid: z.boolean(),
          problems: z.array(problemSchema).optional(),
          hash: z.string().optional(),
          diff: diffSchema.optional(),
        }),
        errors: { 400: 'the body is not `{yaml}`' },
      }),
      admin,
      async (req, res) => {
        const result = await files.validate((req.body as z.output<typeof validateBody>).yaml);
        res.json(
          result.ok
            ? { valid: true, hash: result.hash, diff: result.diff }
            : { valid: false, problems: result.problems },
        );
      },
    )
    .all(methodNotAllowed(['POST']));

  router.get(
    '/api/v1/config/objects',
    doc({
      summary: 'Every object a configuration file can hold, live, with where it came from (file, api, default)',
      tags,
      auth: 'admin',
    }),
    admin,
    async (_req, res) => {
      const state = liveState(await files.readLive());
      res.json({
        file: files.reloader?.path ?? null,
        hash: files.reloader?.status.hash ?? null,
        objects: OWNED_KINDS.flatMap((kind) =>
          [...state[kind]].map(([key, entry]) => ({
            kind,
            key,
            origin: entry.origin,
            ...(entry.file ? { file: entry.file } : {}),
          })),
        ),
      });
    },
  );

  router
    .route('/api/v1/config/export')
    .get(
      doc({
        summary: 'The live configuration as a configuration file (YAML): validating it answers an empty diff',
        description:
          'Secrets are written as the `${NAME}` reference they came from; a secret set through the API is left out, with a comment.',
        tags,
        auth: 'admin',
      }),
      admin,
      async (_req, res) => {
        res.type('application/yaml').send(await files.exportYaml());
      },
    )
    .all(methodNotAllowed(['GET']));
  return router;
}

/**
 * API writes to objects the configuration file owns are refused (409 naming the file): the file would put them
 * back at its next reload. Mounted before the routes it guards, behind the same tokens they take.
 */
export function configFileGuard(deps: { ownership: Ownership; access: Access }): Router {
  const router = hubRouter();
  const admin = deps.access.requireToken('admin');
  const refuse = async (kind: OwnedKind, key: string, what: string) => {
    const file = await deps.ownership.fileOf(kind, key);
    if (file)
      throw new HubError(
        'HUB_ERR_CONFLICT',
        `${what} is set by the configuration file ${file}: change it there (the API cannot, the file would put it back)`,
      );
  };
  const guard = (check: (params: Record<string, string>, body: unknown) => Promise<void>): RequestHandler =>
    guardOf(async (req, _res, next) => {
      await check(req.params as Record<string, string>, req.body);
      next();
    });

  const target = guard((params) => refuse('target', params.name!, `target "${params.name}"`));
  router.put('/api/v1/notify/targets/:name', admin, target);
  router.delete('/api/v1/notify/targets/:name', admin, target);
  const routes = guard(() => refuse('routes', ROUTES_KEY, 'the route list'));
  router.put('/api/v1/notify/routes', admin, routes);
  router.delete('/api/v1/notify/routes', admin, routes);
  const template = guard((params) =>
    refuse('template', `${params.provider}:${params.kind}`, `the ${params.provider} ${params.kind} template`),
  );
  router.put('/api/v1/notify/templates/:provider/:kind', admin, template);
  router.delete('/api/v1/notify/templates/:provider/:kind', admin, template);
  router.delete(
    '/api/v1/silences/:id',
    deps.access.adminOrIngestToken,
    guard((params) => deps.ownership.refuseEndingOwnedSilence(params.id!)),
  );
  // Rotating a check's token stays open: the file holds no token, and the tool's owner needs one.
  router.put(
    '/api/v1/checks/:name',
    admin,
    ...jsonBody(),
    guard(async (params, body) => {
      const rotateOnly =
        body !== null &&
        typeof body === 'object' &&
        Object.keys(body).join() === 'rotateToken' &&
        (body as { rotateToken: unknown }).rotateToken === true;
      if (!rotateOnly) await refuse('check', params.name!, `check "${params.name}"`);
    }),
  );
  router.put(
    '/api/v1/inspections/:id/parameters',
    admin,
    ...jsonBody(),
    guard(async (params, body) => {
      for (const name of Object.keys(body && typeof body === 'object' ? body : {}))
        await refuse('parameter', `${params.id}:${name}`, `parameter ${name} of ${params.id}`);
    }),
  );
  router.delete(
    '/api/v1/inspections/:id/parameters/:name',
    admin,
    guard((params) => refuse('parameter', `${params.id}:${params.name}`, `parameter ${params.name} of ${params.id}`)),
  );
  const moduleSwitch = guard((params) => refuse('module', params.name!, `module ${params.name} (on or off)`));
  router.post('/api/v1/modules/:name/enable', admin, moduleSwitch);
  const moduleConfig = guard((params) =>
    refuse('module-config', params.name!, `the settings of module ${params.name}`),
  );
  router.put('/api/v1/admin/modules/:name/config', admin, moduleConfig);
  router.delete('/api/v1/admin/modules/:name/config', admin, moduleConfig);
  router.post('/api/v1/modules/:name/disable', admin, moduleSwitch);
  return router;
}
