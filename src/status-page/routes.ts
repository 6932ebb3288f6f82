import express, { type Router } from 'express';
import { z } from 'zod';
import { hubRouter } from '../util/http-router.js';
import { MATCHER_KEYS } from '../silences/matchers.js';
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
import { showNotifications } from './handlers/notify-pages.js';
import { showSignIn, signIn, signOut } from './handlers/session.js';
import { createSilence, endSilence, showSilences } from './handlers/silence-pages.js';
import { handle, HTML, PAGE_TAGS, pageErrors, readers, type PageContext, type PageHandler } from './page-kit.js';

const signInQuery = z.object({
  next: z.string().optional().describe('where to go once signed in (a path on this site)'),
});

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
    path: '/notifications',
    summary: 'Status page: notification targets, routes (the default routing marked) and templates',
    show: showNotifications,
  },
  {
    path: '/errors',
    summary: 'Status page: errors grouped by module and code, check errors, failing targets (admins)',
    query: errorsQuery,
    show: showErrors,
  },
];

const FORM = 'application/x-www-form-urlencoded';
const csrf = z.string().describe('the CSRF token the page put in the form');
const localPath = (description: string) => z.string().optional().describe(`${description} (a path on this site)`);

/** What the page's forms send (parsed by express.urlencoded, read by formField): documented, checked by the handlers. */
const signInForm = z.object({
  _csrf: csrf,
  token: z.string().describe('ADMIN_TOKEN'),
  next: localPath('where to go once signed in'),
});
const actionForm = z.object({
  _csrf: csrf,
  back: localPath('the page to return to'),
  confirm: z.enum(['yes']).optional().describe('yes: the answer to the question the action asked'),
});

/** A page is read by anyone unless STATUS_PAGE_PUBLIC=false; then a reader is sent to sign in. */
const READER_REDIRECT = { 303: 'not signed in while the page is not public: to /sign-in' };
const FORM_ANSWERS = {
  redirects: { 303: 'done: back to the page (a one-time message says what happened)' },
  errors: { 401: 'not signed in', 403: 'the CSRF token or the Origin is not this page' },
};

/** Actions (signed in, CSRF token, some confirmed first): the same calls as the admin JSON routes. */
const ACTIONS: Array<{ path: string; summary: string; action: Action; form?: z.ZodObject }> = [
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
    form: actionForm.extend({
      module: z.string().describe('the module of the error group'),
      code: z.string().describe('the error code of the group'),
    }),
  },
  { path: '/actions/modules/:name/enable', summary: 'turn a module on (this replica)', action: enableModule },
  {
    path: '/actions/modules/:name/disable',
    summary: 'turn a module off (this replica; asks first)',
    action: disableModule,
  },
  { path: '/actions/schedules/:id/run', summary: 'run a schedule now', action: runSchedule },
  {
    path: '/actions/silences',
    summary: 'mute: create a silence or a weekly window (400 shows the form again, each problem by its field)',
    action: createSilence,
    form: actionForm.extend({
      ...Object.fromEntries(
        MATCHER_KEYS.map((key) => [key, z.string().optional().describe(`${key}s to mute, comma-separated`)]),
      ),
      repeat: z
        .enum(['once', 'weekly'])
        .optional()
        .describe('once (default): from now for `minutes`; weekly: a window'),
      minutes: z.string().optional().describe('once: how long, in minutes'),
      days: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .describe('weekly: the days it opens, MO TU WE TH FR SA SU (repeated)'),
      time: z.string().optional().describe('weekly: when it opens, HH:MM in the time zone'),
      durationMinutes: z.string().optional().describe('weekly: how long it stays open, in minutes'),
      timeZone: z.string().optional().describe('weekly: an IANA time zone (default Europe/Stockholm)'),
      reason: z.string().describe('why'),
    }),
  },
  { path: '/actions/silences/:id/end', summary: 'end a silence now', action: endSilence },
];

/** The status page's routes: a table of views and actions; the handlers are in ./handlers/. */
export function pageRoutes(ctx: PageContext): Router {
  const router = hubRouter();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  for (const view of VIEWS) {
    router.get(
      view.path,
      doc({
        summary: view.summary,
        tags: PAGE_TAGS,
        response: HTML,
        redirects: view.path === '/errors' ? { 303: 'not signed in as an admin: to /sign-in' } : READER_REDIRECT,
        ...(view.query ? { query: view.query } : {}),
      }),
      ...readers(ctx),
      handle(ctx, view.show),
    );
  }
  router.get(
    '/sign-in',
    doc({ summary: 'Status page: the sign-in form', tags: PAGE_TAGS, response: HTML, query: signInQuery }),
    ctx.auth.identify,
    handle(ctx, showSignIn),
  );
  router.post(
    '/sign-in',
    doc({
      summary: 'Sign in with the admin token (sets an HttpOnly, SameSite=Strict session cookie)',
      tags: PAGE_TAGS,
      response: HTML,
      bodies: { [FORM]: signInForm },
      redirects: { 303: 'signed in: to next' },
      errors: { 401: 'not the admin token', 403: 'the CSRF token or the Origin is not this page' },
    }),
    ctx.auth.identify,
    form,
    handle(ctx, signIn),
  );
  router.post(
    '/sign-out',
    doc({
      summary: 'Sign out (CSRF token required)',
      tags: PAGE_TAGS,
      response: HTML,
      bodies: { [FORM]: z.object({ _csrf: csrf }) },
      ...FORM_ANSWERS,
    }),
    ctx.auth.identify,
    form,
    ctx.auth.requireAdminForm,
    handle(ctx, signOut),
  );
  for (const { path, summary, action, form: fields } of ACTIONS) {
    router.post(
      path,
      doc({
        summary: `Status page action: ${summary} (signed in, CSRF token; confirm=yes answers the question)`,
        tags: PAGE_TAGS,
        response: HTML,
        bodies: { [FORM]: fields ?? actionForm },
        ...FORM_ANSWERS,
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
