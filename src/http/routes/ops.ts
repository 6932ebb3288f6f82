import type { Request, RequestHandler, Response, Router } from 'express';
import { hubRouter } from '../../util/http-router.js';
import { z } from 'zod';
import { HubError } from '../../errors.js';
import type { LogControl } from '../../ops/log-control.js';
import type { ModuleConfigControl } from '../../ops/module-config.js';
import type { ReplicaRow } from '../../store/replicas-repo.js';
import { methodNotAllowed } from '../errors.js';
import { doc } from '../route-docs.js';
import { requireAdmin } from './admin.js';
import * as schema from './ops-schemas.js';

export interface OpsRouteDeps {
  adminToken?: string;
  allowShutdown: boolean;
  logs: LogControl;
  configs: ModuleConfigControl;
  replicas: () => Promise<ReplicaRow[]>;
  hubId: () => string;
  /** The graceful stop SIGTERM does; called once the 202 has gone out. */
  shutdown: (reason: string) => void;
}

const tags = ['admin'];
type Handler = (req: Request, res: Response) => void | Promise<void>;
const requestIdOf = (res: Response) => (typeof res.locals.requestId === 'string' ? res.locals.requestId : null);

// The routes' documents: what each takes and answers, for the OpenAPI document.
const configDoc = { tags, auth: 'admin' as const, params: schema.moduleName, errors: { 404: 'no such module' } };
const DOCS = {
  listLoggers: doc({
    summary: 'Root and per-module log levels, configured and effective',
    tags,
    auth: 'admin',
    response: z.object({ loggers: z.array(schema.loggerView) }),
  }),
  setLogger: doc({
    summary: 'Set a log level on every replica, for ttlSeconds or until reset',
    tags,
    auth: 'admin',
    params: schema.loggerName,
    body: schema.setLevelBody,
    response: schema.loggerView,
    errors: { 404: 'no such logger' },
  }),
  heartbeat: doc({
    summary: 'Every replica seen in the last minute, with its figures',
    tags,
    auth: 'admin',
    response: z.object({ replicas: z.array(schema.replicaView) }),
  }),
  showConfig: doc({
    ...configDoc,
    summary: "A module's configuration in force (secrets as ***)",
    response: schema.configView,
  }),
  setConfig: doc({
    ...configDoc,
    summary: "Set a module's configuration at run time; restarts that module on every replica",
    description:
      "Validated by the module's own schema (400 names the field). Replaces what was set at run time before.",
    body: schema.configValues,
    response: z.object({ change: schema.configChange, config: schema.configView }),
    errors: { 404: 'no such module', 409: 'the module did not start with this configuration' },
  }),
  resetConfig: doc({
    ...configDoc,
    summary: "Back to the environment's values; restarts that module on every replica",
    response: z.object({ change: schema.configChange, config: schema.configView }),
  }),
  configChanges: doc({
    summary: 'Changes of module configuration, newest first (keys, never values)',
    tags,
    auth: 'admin',
    query: schema.changesQuery,
    response: z.object({ changes: z.array(schema.configChange) }),
  }),
  shutdown: doc({
    summary: 'Stop this hub gracefully, as SIGTERM does (needs ADMIN_ALLOW_SHUTDOWN=true)',
    tags,
    auth: 'admin',
    body: schema.shutdownBody,
    status: 202,
    response: z.object({ status: z.literal('stopping'), hubId: z.string(), reason: z.string() }),
    errors: { 404: 'ADMIN_ALLOW_SHUTDOWN is not true' },
  }),
};

/** The handlers, each named for what it does; the route table below says where each is served. */
function opsHandlers(deps: OpsRouteDeps) {
  let stopping = false;
  const listLoggers: Handler = (_req, res) => {
    res.json({ loggers: deps.logs.list() });
  };
  const setLogger: Handler = async (req, res) => {
    const name = String(req.params.name);
    if (!deps.logs.has(name)) throw new HubError('HUB_ERR_NOT_FOUND', `no logger "${name}"; try root or a module name`);
    const body = req.body as z.infer<typeof schema.setLevelBody>;
    res.json(await deps.logs.set(name, body.level, body.ttlSeconds ?? null));
  };
  const heartbeat: Handler = async (_req, res) => {
    res.json({ replicas: (await deps.replicas()).map(({ pid: _pid, ...row }) => row) });
  };
  const showConfig: Handler = async (req, res) => {
    res.json(await deps.configs.view(String(req.params.name)));
  };
  const setConfig: Handler = async (req, res) => {
    const values = req.body as Record<string, string | number | boolean | null>;
    res.json(await deps.configs.put(String(req.params.name), values, requestIdOf(res)));
  };
  const resetConfig: Handler = async (req, res) => {
    res.json(await deps.configs.reset(String(req.params.name), requestIdOf(res)));
  };
  const configChanges: Handler = async (_req, res) => {
    const query = res.locals.query as z.infer<typeof schema.changesQuery>;
    res.json({ changes: await deps.configs.changes(query.module, query.limit ?? 100) });
  };
  const shutdownIfAllowed: RequestHandler = (req, _res, next) => {
    // Without ADMIN_ALLOW_SHUTDOWN the route does not exist, whoever asks.
    if (!deps.allowShutdown) next(new HubError('HUB_ERR_NOT_FOUND', `no route for ${req.method} ${req.path}`));
    else next();
  };
  const shutdown: Handler = (req, res) => {
    const { reason } = req.body as z.infer<typeof schema.shutdownBody>;
    res.on('finish', () => {
      if (stopping) return;
      stopping = true;
      deps.shutdown(reason);
    });
    res.status(202).json({ status: 'stopping', hubId: deps.hubId(), reason });
  };
  return {
    listLoggers,
    setLogger,
    heartbeat,
    showConfig,
    setConfig,
    resetConfig,
    configChanges,
    shutdownIfAllowed,
    shutdown,
  };
}

/** Run-time control: log levels, heartbeat, module configuration, shutdown. Admin token. */
export function opsRoutes(deps: OpsRouteDeps): Router {
  const router = hubRouter();
  const admin = requireAdmin(deps.adminToken);
  const h = opsHandlers(deps);

  router.get('/api/v1/admin/loggers', DOCS.listLoggers, admin, h.listLoggers);
  router
    .route('/api/v1/admin/loggers/:name')
    .put(DOCS.setLogger, admin, h.setLogger)
    .all(admin, methodNotAllowed(['PUT']));
  router.get('/api/v1/admin/heartbeat', DOCS.heartbeat, admin, h.heartbeat);
  router
    .route('/api/v1/admin/modules/:name/config')
    .get(DOCS.showConfig, admin, h.showConfig)
    .put(DOCS.setConfig, admin, h.setConfig)
    .delete(DOCS.resetConfig, admin, h.resetConfig)
    .all(admin, methodNotAllowed(['GET', 'PUT', 'DELETE']));
  router.get('/api/v1/admin/config-changes', DOCS.configChanges, admin, h.configChanges);
  router
    .route('/api/v1/admin/shutdown')
    .post(h.shutdownIfAllowed, admin, DOCS.shutdown, h.shutdown)
    .all(admin, methodNotAllowed(['POST']));
  return router;
}
