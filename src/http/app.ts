import express, { type Express, type RequestHandler, type Router } from 'express';
import { HubError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import { errorMiddleware, notFound } from './errors.js';
import { httpMetrics, type HttpObserver } from './http-metrics.js';
import { requestId } from './request-id.js';
import { rejectUnsafeParameters } from './parameters.js';
import { readGuard, type Access } from './auth.js';
import type { AuthThrottle } from './auth-throttle.js';

/**
 * OPTIONS is answered the same for every path and caller, before any router: express would otherwise answer
 * it for a route by itself, ahead of the route's guard. The hub serves no cross-origin callers, so it has
 * nothing to say to a preflight.
 */
const refuseOptions: RequestHandler = (req, _res, next) => {
  if (req.method !== 'OPTIONS') return next();
  next(
    new HubError(
      'HUB_ERR_METHOD_NOT_ALLOWED',
      'the hub answers no OPTIONS requests (it serves no cross-origin callers)',
    ),
  );
};

/**
 * The express app, built apart from the server that listens (tests drive it with supertest). Routes
 * are plain routers; the error middleware is the one place errors become HTTP answers.
 */
export function buildApp(deps: {
  routers: Router[];
  logger: Logger;
  redactor: Redactor;
  metrics?: HttpObserver;
  access?: Access;
  throttle?: AuthThrottle;
}): Express {
  const app = express();
  // Paths match only as written, here and in every router (src/util/http-router.ts): a guard in front that
  // reads the path decides on the same route that will answer.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(requestId);
  if (deps.throttle) app.use(deps.throttle.middleware);
  app.use(refuseOptions);
  app.use(httpMetrics(deps.metrics, deps.logger));
  app.use(rejectUnsafeParameters);
  if (deps.access) app.use(readGuard(deps.access));
  for (const router of deps.routers) app.use(router);
  app.use(notFound);
  app.use(errorMiddleware(deps.logger, deps.redactor));
  return app;
}
