import type { NotifyHooks } from '../notify/hooks.js';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { DeliveryEngine } from '../delivery/engine.js';
import { HubError } from '../errors.js';
import type { Insights } from '../insights/insights.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Silences } from '../silences/silences.js';
import type { Ownership } from '../config-file/ownership.js';
import type { Db } from '../store/db.js';
import { alertingKeys } from '../store/status-errors-repo.js';
import {
  moduleActivity,
  queueWaits,
  replicas,
  type ModuleActivity,
  type QueueWait,
  type ReplicaView,
} from '../store/status-repo.js';
import type { PageAuth } from './auth.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageFrame } from './layout.js';
import type { LiveFeed } from './live-feed.js';
import { findProblems, problemSummary, type Problem } from './problems.js';
import type { CheckSource, CheckState } from './read-model.js';
import { storableText } from '../util/input-rules.js';

/** What every page handler gets: the hub's parts the page reads and acts through. */
export interface PageContext {
  db: Db;
  registry: ModuleRegistry;
  engine: DeliveryEngine;
  scheduler: Scheduler;
  auth: PageAuth;
  feed: LiveFeed;
  checks?: CheckSource;
  insights?: Insights;
  silences?: Silences;
  /** What the configuration file owns: its silences cannot be ended on the page. */
  ownership?: Ownership;
  notify?: NotifyHooks;
}

export type PageHandler = (ctx: PageContext, req: Request, res: Response) => Promise<void> | void;

/** A named handler bound to the page's context (express 5 passes a rejected promise to the error handlers). */
export function handle(ctx: PageContext, handler: PageHandler): RequestHandler {
  return (req, res) => handler(ctx, req, res);
}

export const PAGE_TAGS = ['status page'];
export const HTML = { contentType: 'text/html', description: 'an HTML page (a redirect after a form)' };

// Nothing but the hub's own script and styles: a payload that slipped past escaping still could not run.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export type Frame = Omit<PageFrame, 'viewer' | 'lastId' | 'canSignIn' | 'problems'> & {
  problems?: Problem[];
};

/** Sends a page: its frame, the problem count for the tab (read here unless the handler read it), the body. */
export async function send(
  ctx: PageContext,
  req: Request,
  res: Response,
  frame: Frame,
  body: SafeHtml,
  code = 200,
): Promise<void> {
  const problems = frame.problems ?? (await readProblems(ctx)).problems;
  res.status(code);
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'same-origin');
  const flash = frame.flash === undefined ? ctx.auth.takeFlash(req, res) : frame.flash;
  const page = layout(
    {
      ...frame,
      flash,
      problems: problemSummary(problems),
      still: frame.still ?? req.method !== 'GET',
      viewer: req.viewer!,
      lastId: ctx.feed.lastId,
      canSignIn: ctx.auth.canSignIn,
    },
    body,
  );
  res.type('html').send(page.text);
}

export interface ProblemReads {
  problems: Problem[];
  activity: Map<string, ModuleActivity>;
  queues: QueueWait[];
  replicas: ReplicaView[];
}

export async function readProblems(ctx: PageContext): Promise<ProblemReads> {
  const names = ctx.registry.names();
  const [activity, queues, alerting, hubs] = await Promise.all([
    moduleActivity(ctx.db, names),
    queueWaits(ctx.db, names),
    alertingKeys(ctx.db),
    replicas(ctx.db),
  ]);
  return { problems: findProblems({ activity, queues, alerting, replicas: hubs }), activity, queues, replicas: hubs };
}

export function checkStates(ctx: PageContext): Promise<CheckState[]> {
  return ctx.checks?.checks() ?? Promise.resolve([]);
}

/** Per route, not router.use: these must not run for the ingest routes mounted beside them. */
export function readers(ctx: PageContext): RequestHandler[] {
  return [ctx.auth.identify, ctx.auth.requireReader];
}

export function param(req: Request, name: string): string {
  return String(req.params[name] ?? '');
}

/** The query as the route's `doc` parsed it (its zod schema). */
export function parsedQuery<T>(res: Response): T {
  return res.locals.query as T;
}

/** `?x=` (empty, as forms send it) means no filter. */
export const optionalText = (description: string) =>
  z
    .preprocess(
      (value) => (value === '' ? undefined : value),
      storableText().max(200, 'at most 200 characters').optional(),
    )
    .describe(description);

/** A field of a posted form, as text ('' when absent or not text). */
export function formField(req: Request, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value : '';
}

/** Only a path on this site: `next` and `back` must never send a signed-in admin elsewhere. */
export function localPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 500 ? value : '/';
}

/** A page's errors as a page (the JSON routes keep the core's error middleware): never a stack. */
export function pageErrors(ctx: PageContext): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (!(error instanceof HubError) || req.path.startsWith('/api/')) {
      next(error);
      return;
    }
    // A query the route's doc refused never reached identify: the page still needs its viewer.
    if (!req.viewer) ctx.auth.identify(req, res, () => undefined);
    const fields = error.fields?.map((field) => html` (${field.field}: ${field.message})`) ?? [];
    const title = error.status === 404 ? 'Not found' : `${error.status}`;
    send(
      ctx,
      req,
      res,
      { title, nav: 'overview', flash: null },
      html`<p class="error">${error.message}${fields} <code class="code">${error.code}</code></p>
        <p><a href="/">Overview</a></p>`,
      error.status,
    ).catch(next);
  };
}
