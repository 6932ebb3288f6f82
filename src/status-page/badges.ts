import { makeBadge } from 'badge-maker';
import { type Router, type Request, type RequestHandler, type Response } from 'express';
import { hubRouter } from '../util/http-router.js';
import { z } from 'zod';
import { HubError } from '../errors.js';
import { doc } from '../http/route-docs.js';
import { DEFAULT_CLUSTER } from '../insights/query.js';
import { keysOfApplications } from '../store/status-errors-repo.js';
import { latestDeployment } from '../store/status-places-repo.js';
import { checkStates, handle, optionalText, param, parsedQuery, PAGE_TAGS, type PageContext } from './page-kit.js';
import { severityOf, type Severity } from './severity.js';
import { healthOf } from './views/places.js';

/** Badges are read by READMEs and dashboards every few seconds: a minute old is fresh enough. */
export const BADGE_MAX_AGE_SECONDS = 60;

/** White text on these passes 4.5:1 (shields-style badges always draw their text white). */
const BADGE_COLOURS: Record<Severity, string> = {
  ok: '#116329',
  info: '#0550ae',
  warning: '#8a5a00',
  error: '#b42318',
  critical: '#7f1d1d',
  unknown: '#57606a',
  timed_out: '#6639ba',
  muted: '#57606a',
};

const SVG = { contentType: 'image/svg+xml', description: 'a shields-style SVG badge' };
const UNKNOWN =
  'An unknown application, cluster or check answers 404 with an SVG badge saying "unknown". Cached for ' +
  `${BADGE_MAX_AGE_SECONDS} s (public while the status page is public, else private).`;
const NOT_PUBLIC = { 401: 'the status page is not public (STATUS_PAGE_PUBLIC=false) and no session or token came' };

export const appBadgeQuery = z.object({
  cluster: optionalText(`the cluster whose deployment the badge shows (default ${DEFAULT_CLUSTER})`),
});

/**
 * Reading a badge needs what reading the page needs: nothing while the page is public (STATUS_PAGE_PUBLIC),
 * else a session or the admin or read token as a bearer. A 401 is the catalogue's JSON, not a badge.
 */
function badgeReader(ctx: PageContext): RequestHandler {
  return (req, _res, next) => {
    if (ctx.auth.mayRead(req)) return next();
    next(
      new HubError(
        'HUB_ERR_UNAUTHORIZED',
        'the status page is not public: badges need a session or Authorization: Bearer <READ_TOKEN or ADMIN_TOKEN>',
        undefined,
        { 'WWW-Authenticate': 'Bearer' },
      ),
    );
  };
}

function sendBadge(
  ctx: PageContext,
  res: Response,
  badge: { label: string; message: string; severity: Severity },
  code = 200,
) {
  const svg = makeBadge({
    label: badge.label.slice(0, 100),
    message: badge.message.slice(0, 100),
    color: BADGE_COLOURS[badge.severity],
    style: 'flat',
  });
  res.status(code);
  res.setHeader('Cache-Control', `${ctx.auth.publicReading ? 'public' : 'private'}, max-age=${BADGE_MAX_AGE_SECONDS}`);
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.type('image/svg+xml').send(svg);
}

/** The version deployed in the cluster and its health (the worst state of the checks about it there). */
export async function applicationBadge(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const application = param(req, 'application');
  const cluster = parsedQuery<z.output<typeof appBadgeQuery>>(res).cluster ?? DEFAULT_CLUSTER;
  const deployed = application.length <= 200 ? await latestDeployment(ctx.db, application, cluster) : null;
  if (!deployed) {
    sendBadge(ctx, res, { label: application, message: 'unknown', severity: 'unknown' }, 404);
    return;
  }
  const keys = (await keysOfApplications(ctx.db, [application])).filter(
    (key) => (key.dimensions.cluster ?? cluster) === cluster,
  );
  const health = healthOf(keys);
  const version = deployed.version ?? 'no version';
  sendBadge(ctx, res, {
    label: application,
    message: keys.length > 0 ? `${version} · ${health}` : version,
    severity: keys.length > 0 ? severityOf(health) : 'info',
  });
}

export async function checkBadge(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const name = param(req, 'name');
  const check = (await checkStates(ctx)).find((state) => state.name === name);
  if (!check) {
    sendBadge(ctx, res, { label: name, message: 'unknown', severity: 'unknown' }, 404);
    return;
  }
  sendBadge(ctx, res, { label: name, message: check.state.replace(/_/g, ' '), severity: severityOf(check.state) });
}

export function badgeRoutes(ctx: PageContext): Router {
  const router = hubRouter();
  const read = [ctx.auth.identify, badgeReader(ctx)];
  router.get(
    '/badge/app/:application.svg',
    doc({
      summary: 'Badge: the version of an application deployed in a cluster, and its health',
      tags: PAGE_TAGS,
      description: UNKNOWN,
      query: appBadgeQuery,
      response: SVG,
      errors: NOT_PUBLIC,
    }),
    ...read,
    handle(ctx, applicationBadge),
  );
  router.get(
    '/badge/check/:name.svg',
    doc({
      summary: 'Badge: the state of an inspection or external check',
      tags: PAGE_TAGS,
      description: UNKNOWN,
      response: SVG,
      errors: NOT_PUBLIC,
    }),
    ...read,
    handle(ctx, checkBadge),
  );
  return router;
}
