import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { DeliveryEngine } from '../delivery/engine.js';
import { HubError, validationError } from '../errors.js';
import { EVENT_TYPES } from '../events/types.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Db } from '../store/db.js';
import { deliveryIdsOf, findDeliveries, isUuid } from '../store/delivery-views.js';
import { findEvent } from '../store/events-repo.js';
import * as status from '../store/status-repo.js';
import type { PageAuth } from './auth.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageFrame } from './layout.js';
import type { LiveFeed } from './live-feed.js';
import type { CheckSource } from './read-model.js';
import { eventFilters, eventsView, eventView } from './views/events.js';
import { clusterPicker, deploymentsView, errorsView, schedulesView, signInView } from './views/more.js';
import { LIVE_ACTIVITY, overviewView } from './views/overview.js';
import { doc } from '../http/route-docs.js';
import { checkView } from './views/check.js';
import type { Insights } from '../insights/insights.js';
import { insightsQuery, questionOf } from '../insights/query.js';
import { insightsFilters, insightsView } from './views/insights.js';

const PAGE_TAGS = ['status page'];
const HTML = { contentType: 'text/html', description: 'an HTML page (a redirect after a form)' };

export interface PageDeps {
  db: Db;
  registry: ModuleRegistry;
  engine: DeliveryEngine;
  scheduler: Scheduler;
  auth: PageAuth;
  feed: LiveFeed;
  checks?: CheckSource;
  insights?: Insights;
}

// Nothing but the hub's own script and styles: a payload that slipped past escaping still could not run.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function pageRoutes(deps: PageDeps): Router {
  const { db, registry, auth, feed } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const checks = () => deps.checks?.checks() ?? Promise.resolve([]);

  const send = (
    req: Request,
    res: Response,
    frame: Omit<PageFrame, 'viewer' | 'lastId' | 'canSignIn'>,
    body: SafeHtml,
    code = 200,
  ) => {
    res.status(code);
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'same-origin');
    const flash = frame.flash === undefined ? auth.takeFlash(req, res) : frame.flash;
    res
      .type('html')
      .send(
        layout({ ...frame, flash, viewer: req.viewer!, lastId: feed.lastId, canSignIn: auth.canSignIn }, body).text,
      );
  };
  // Per route, not router.use: these must not run for the ingest routes mounted beside them.
  const read = [auth.identify, auth.requireReader];

  router.get(
    '/',
    doc({ summary: 'Status page: overview', tags: PAGE_TAGS, response: HTML }),
    ...read,
    async (req, res) => {
      const modules = registry.statuses();
      const names = modules.map((module) => module.name);
      const [activity, deliveries, runs, events, replicas, checkStates] = await Promise.all([
        status.moduleActivity(db, names),
        status.runningDeliveries(db, names),
        status.runningRuns(db),
        status.recentEvents(db, { limit: 15 }),
        status.replicas(db),
        checks(),
      ]);
      const body = overviewView(req.viewer!, {
        modules,
        activity,
        deliveries,
        runs,
        checks: checkStates,
        events,
        replicas,
      });
      send(req, res, { title: 'Overview', nav: 'overview', after: LIVE_ACTIVITY }, body);
    },
  );

  router.get(
    '/events',
    doc({ summary: 'Status page: recent events with filters', tags: PAGE_TAGS, response: HTML }),
    ...read,
    async (req, res) => {
      const filter = eventFilter(req);
      send(
        req,
        res,
        { title: 'Events', nav: 'events', controls: eventFilters(filter) },
        eventsView(await status.recentEvents(db, filter), filter),
      );
    },
  );

  router.get(
    '/events/:id',
    doc({ summary: 'Status page: one event, its deliveries and derived events', tags: PAGE_TAGS, response: HTML }),
    ...read,
    async (req, res) => {
      const event = await findEvent(db, String(req.params.id));
      if (!event) throw new HubError('HUB_ERR_NOT_FOUND', `no event ${req.params.id}`);
      const name = (event.payload as { applicationName?: unknown } | null)?.applicationName;
      send(
        req,
        res,
        { title: `${event.type}${typeof name === 'string' ? ` · ${name}` : ''}`, nav: 'events' },
        eventView(req.viewer!, event),
      );
    },
  );

  router.get(
    '/checks/:name',
    doc({
      summary: 'Status page: one inspection or external check, its state and latest runs',
      tags: PAGE_TAGS,
      response: HTML,
    }),
    ...read,
    async (req, res) => {
      const name = param(req, 'name');
      const [states, runs] = await Promise.all([checks(), deps.checks?.runs?.(name, 50) ?? Promise.resolve(null)]);
      const check = states.find((state) => state.name === name);
      if (!check || !runs) throw new HubError('HUB_ERR_NOT_FOUND', `no check "${name}"`);
      send(req, res, { title: `Check ${name}`, nav: 'schedules' }, checkView(check, runs));
    },
  );

  router.get(
    '/deployments',
    doc({ summary: 'Status page: latest deployment per application and cluster', tags: PAGE_TAGS, response: HTML }),
    ...read,
    async (req, res) => {
      const cluster = text(req.query.cluster, 'cluster');
      const deployments = await status.latestDeploymentsByCluster(db);
      const clusters = [...new Set(deployments.map((deployment) => deployment.cluster))].sort();
      send(
        req,
        res,
        {
          title: 'Deployments: latest per application',
          nav: 'deployments',
          controls: clusterPicker(clusters, cluster),
        },
        deploymentsView(deployments, cluster),
      );
    },
  );

  router.get(
    '/insights',
    doc({
      summary: 'Status page: delivery insights per team and application, with charts',
      tags: PAGE_TAGS,
      response: HTML,
    }),
    ...read,
    async (req, res) => {
      const parsed = insightsQuery.safeParse(req.query);
      if (!parsed.success) throw validationError(parsed.error, 'query');
      if (!deps.insights) throw new HubError('HUB_ERR_NOT_FOUND', 'insights are not served by this hub');
      // The page shows counts and charts; the ids behind them are the JSON route's.
      const question = { ...questionOf(parsed.data, new Date()), idsLimit: 0 };
      send(
        req,
        res,
        { title: 'Delivery insights', nav: 'insights', controls: insightsFilters(parsed.data, question) },
        insightsView(await deps.insights.answer(question)),
      );
    },
  );

  router.get(
    '/schedules',
    doc({ summary: 'Status page: schedules and inspections', tags: PAGE_TAGS, response: HTML }),
    ...read,
    async (req, res) => {
      const [schedules, checkStates] = await Promise.all([deps.scheduler.list(), checks()]);
      send(
        req,
        res,
        { title: 'Schedules and inspections', nav: 'schedules' },
        schedulesView(req.viewer!, schedules, checkStates),
      );
    },
  );

  router.get(
    '/errors',
    doc({ summary: 'Status page: errors of every check (admins)', tags: PAGE_TAGS, response: HTML }),
    ...read,
    async (req, res) => {
      if (!req.viewer!.admin) {
        res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      const module = text(req.query.module, 'module');
      const names = module ? [module] : registry.names();
      const [deliveries, runs] = await Promise.all([status.failedDeliveries(db, names), status.failedRuns(db)]);
      send(
        req,
        res,
        { title: module ? `Errors: ${module}` : 'Errors', nav: 'errors' },
        errorsView(req.viewer!, deliveries, runs),
      );
    },
  );

  router.get(
    '/sign-in',
    doc({ summary: 'Status page: the sign-in form', tags: PAGE_TAGS, response: HTML }),
    auth.identify,
    (req, res) => {
      send(
        req,
        res,
        { title: 'Sign in', nav: 'sign-in' },
        signInView(req.viewer!, localPath(req.query.next), null, auth.canSignIn),
      );
    },
  );

  router.post(
    '/sign-in',
    doc({
      summary: 'Sign in with the admin token (sets an HttpOnly, SameSite=Strict session cookie)',
      tags: PAGE_TAGS,
      response: HTML,
    }),
    auth.identify,
    form,
    (req, res) => {
      const next = localPath(req.body?.next);
      if (!auth.csrfOk(req)) {
        send(
          req,
          res,
          { title: 'Sign in', nav: 'sign-in' },
          signInView(req.viewer!, next, 'The form was stale; try again.', auth.canSignIn),
          403,
        );
        return;
      }
      if (!auth.signIn(req, res, typeof req.body?.token === 'string' ? req.body.token : '')) {
        send(
          req,
          res,
          { title: 'Sign in', nav: 'sign-in' },
          signInView(req.viewer!, next, 'That is not the admin token.', auth.canSignIn),
          401,
        );
        return;
      }
      res.redirect(303, next);
    },
  );

  router.post(
    '/sign-out',
    doc({ summary: 'Sign out (CSRF token required)', tags: PAGE_TAGS, response: HTML }),
    auth.identify,
    form,
    auth.requireAdminForm,
    (req, res) => {
      auth.signOut(req, res);
      res.redirect(303, '/');
    },
  );

  // Actions: the same registry, engine and scheduler calls as the admin JSON routes.
  const act = (path: string, run: (req: Request) => Promise<string> | string) => {
    router.post(
      path,
      doc({
        summary: `Status page action: ${path.split('/').slice(2).join(' ')} (signed in, CSRF token required)`,
        tags: PAGE_TAGS,
        response: HTML,
      }),
      auth.identify,
      form,
      auth.requireAdminForm,
      async (req, res) => {
        auth.flash(req, res, await run(req));
        res.redirect(303, localPath(req.body?.back));
      },
    );
  };
  const moduleName = (req: Request) => {
    const name = param(req, 'name');
    if (!registry.has(name)) throw new HubError('HUB_ERR_NOT_FOUND', `no module "${name}"`);
    return name;
  };
  act('/actions/deliveries/:id/replay', async (req) => {
    const id = param(req, 'id');
    if (!isUuid(id) || (await findDeliveries(db, { deliveryId: id, limit: 1 })).length === 0)
      throw new HubError('HUB_ERR_NOT_FOUND', `no delivery ${id}`);
    const replayed = await db.transaction((client) => deps.engine.replay(client, [id]));
    return replayed.length > 0
      ? 'Delivery queued again.'
      : 'That delivery is queued or running already; replay it when it ends.';
  });
  act('/actions/modules/:name/replay', async (req) => {
    const name = moduleName(req);
    const ids = await deliveryIdsOf(db, name, 'dead');
    const replayed = ids.length > 0 ? await db.transaction((client) => deps.engine.replay(client, ids)) : [];
    return `${replayed.length} dead deliveries of ${name} queued again.`;
  });
  act('/actions/modules/:name/enable', (req) => {
    const name = moduleName(req);
    try {
      registry.enable(name);
    } catch (error) {
      throw new HubError('HUB_ERR_CONFLICT', (error as Error).message);
    }
    return `${name} is on (on this replica).`;
  });
  act('/actions/modules/:name/disable', (req) => {
    const name = moduleName(req);
    registry.disable(name);
    return `${name} is off (on this replica).`;
  });
  act('/actions/schedules/:id/run', async (req) => {
    const id = param(req, 'id');
    if (!deps.scheduler.has(id)) throw new HubError('HUB_ERR_NOT_FOUND', `no schedule "${id}"`);
    if ((await deps.scheduler.runNow(id)) === null)
      throw new HubError('HUB_ERR_CONFLICT', `${id} has a run queued or running already.`);
    return `${id} will run now.`;
  });

  // A page's errors as a page (the JSON routes keep the core's error middleware).
  const pageErrors: ErrorRequestHandler = (error, req, res, next) => {
    if (!(error instanceof HubError) || req.path.startsWith('/api/') || !req.viewer) {
      next(error);
      return;
    }
    const fields = error.fields?.map((field) => html` (${field.field}: ${field.message})`) ?? [];
    send(
      req,
      res,
      { title: `${error.status}`, nav: 'overview', flash: null },
      html`<p class="error">${error.code}: ${error.message}${fields}</p>
        <p><a href="/">Overview</a></p>`,
      error.status,
    );
  };
  router.use(pageErrors);
  return router;
}

function eventFilter(req: Request): status.EventFilter {
  const type = text(req.query.type, 'type');
  if (type && !(EVENT_TYPES as readonly string[]).includes(type)) {
    throw new HubError('HUB_ERR_BAD_PARAMETER', `type must be one of ${EVENT_TYPES.join(', ')}`, [
      { field: 'type', message: 'unknown event type' },
    ]);
  }
  const before = text(req.query.before, 'before');
  if (before && Number.isNaN(Date.parse(before)))
    throw new HubError('HUB_ERR_BAD_PARAMETER', 'before must be a time', [{ field: 'before', message: 'not a time' }]);
  return {
    type,
    applicationName: text(req.query.application, 'application'),
    cluster: text(req.query.cluster, 'cluster'),
    before,
    limit: 100,
  };
}

function param(req: Request, name: string): string {
  return String(req.params[name] ?? '');
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 200) {
    throw new HubError('HUB_ERR_BAD_PARAMETER', `${field} must be text of at most 200 characters`, [
      { field, message: 'invalid' },
    ]);
  }
  return value;
}

/** Only a path on this site: `next` and `back` must never send a signed-in admin elsewhere. */
function localPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 500 ? value : '/';
}
