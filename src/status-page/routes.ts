import express, { type Router } from 'express';
import { hubRouter } from '../util/http-router.js';
import { doc } from '../http/route-docs.js';
import { insightsQuery } from '../insights/query.js';
import {
  disableModule,
  enableModule,
  replayDelivery,
  replayErrorGroup,
  replayModuleDead,
  runAction,
  runSchedule,
  type Action,
} from './handlers/actions.js';
import { checkQuery, errorsQuery, showCheck, showErrors, showSchedules } from './handlers/check-pages.js';
import { eventsQuery, showEvent, showEvents, showOverview } from './handlers/overview-pages.js';
import { deploymentsQuery, showApplication, showDeployments, showInsights, showTeam } from './handlers/place-pages.js';
import { showSignIn, signIn, signOut } from './handlers/session.js';
import { createSilence, endSilence, showSilences } from './handlers/silence-pages.js';
import { handle, HTML, PAGE_TAGS, pageErrors, readers, type PageContext, type PageHandler } from './page-kit.js';

/** A read-only view: its summary and query for the OpenAPI document, and its handler. */
const VIEWS: Array<{ path: string; summary: string; query?: Parameters<typeof doc>[0]['query']; show: PageHandler }> = [
  {
    path: '/',
    summary: 'Status page: overview (what is broken now, modules, queues, checks, events)',
    show: showOverview,
  },
  {
    path: '/events',
    summary: 'Status page: recent events with filters and a time window',
    query: eventsQuery,
    show: showEvents,
  },
  { path: '/events/:id', summary: 'Status page: one event, its deliveries and follow-ups', show: showEvent },
  {
    path: '/checks/:name',
    summary: 'Status page: one inspection or external check, each target, its runs',
    query: checkQuery,
    show: showCheck,
  },
  {
    path: '/deployments',
    summary: 'Status page: latest deployment per application and cluster',
    query: deploymentsQuery,
    show: showDeployments,
  },
  {
    path: '/applications/:name',
    summary: 'Status page: one application (versions per cluster, deliveries, checks, insights)',
    show: showApplication,
  },
  {
    path: '/teams/:team',
    summary: "Status page: one team's applications, versions, health, open alerts and errors",
    show: showTeam,
  },
  {
    path: '/insights',
    summary: 'Status page: delivery insights per team and application, with charts',
    query: insightsQuery,
    show: showInsights,
  },
  { path: '/schedules', summary: 'Status page: schedules, inspections and external checks', show: showSchedules },
  { path: '/silences', summary: 'Status page: silences holding now, planned, and ended', show: showSilences },
  {
    path: '/errors',
    summary: 'Status page: errors grouped by module and code, check errors, failing targets (admins)',
    query: errorsQuery,
    show: showErrors,
  },
];

/** Actions (signed in, CSRF token, some confirmed first): the same calls as the admin JSON routes. */
const ACTIONS: Array<{ path: string; summary: string; action: Action }> = [
  {
    path: '/actions/deliveries/:id/replay',
    summary: 'replay a delivery (asks first when it succeeded)',
    action: replayDelivery,
  },
  { path: '/actions/modules/:name/replay', summary: "replay a module's dead deliveries", action: replayModuleDead },
  {
    path: '/actions/errors/replay',
    summary: 'replay the dead deliveries of one module and error code (asks first)',
    action: replayErrorGroup,
  },
  { path: '/actions/modules/:name/enable', summary: 'turn a module on (this replica)', action: enableModule },
  {
    path: '/actions/modules/:name/disable',
    summary: 'turn a module off (this replica; asks first)',
    action: disableModule,
  },
  { path: '/actions/schedules/:id/run', summary: 'run a schedule now', action: runSchedule },
  { path: '/actions/silences', summary: 'mute: create a silence', action: createSilence },
  { path: '/actions/silences/:id/end', summary: 'end a silence now', action: endSilence },
];

/** The status page's routes: a table of views and actions; the handlers are in ./handlers/. */
export function pageRoutes(ctx: PageContext): Router {
  const router = hubRouter();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  for (const view of VIEWS) {
    router.get(
      view.path,
      doc({ summary: view.summary, tags: PAGE_TAGS, response: HTML, ...(view.query ? { query: view.query } : {}) }),
      ...readers(ctx),
      handle(ctx, view.show),
    );
  }
  router.get(
    '/sign-in',
    doc({ summary: 'Status page: the sign-in form', tags: PAGE_TAGS, response: HTML }),
    ctx.auth.identify,
    handle(ctx, showSignIn),
  );
  router.post(
    '/sign-in',
    doc({
      summary: 'Sign in with the admin token (sets an HttpOnly, SameSite=Strict session cookie)',
      tags: PAGE_TAGS,
      response: HTML,
    }),
    ctx.auth.identify,
    form,
    handle(ctx, signIn),
  );
  router.post(
    '/sign-out',
    doc({ summary: 'Sign out (CSRF token required)', tags: PAGE_TAGS, response: HTML }),
    ctx.auth.identify,
    form,
    ctx.auth.requireAdminForm,
    handle(ctx, signOut),
  );
  for (const { path, summary, action } of ACTIONS) {
    router.post(
      path,
      doc({
        summary: `Status page action: ${summary} (signed in, CSRF token; confirm=yes answers the question)`,
        tags: PAGE_TAGS,
        response: HTML,
      }),
      ctx.auth.identify,
      form,
      ctx.auth.requireAdminForm,
      handle(ctx, runAction(action)),
    );
  }
  router.use(pageErrors(ctx));
  return router;
}
