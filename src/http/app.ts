import express, { Router, type Express } from 'express';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import { errorMiddleware, notFound } from './errors.js';
import { httpMetrics, type HttpObserver } from './http-metrics.js';
import { requestId } from './request-id.js';
import { rejectUnsafeParameters } from './parameters.js';
import { readGuard, type Access } from './auth.js';

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
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(requestId);
  app.use(httpMetrics(deps.metrics, deps.logger));
  app.use(rejectUnsafeParameters);
  if (deps.access) app.use(readGuard(deps.access));
  for (const router of deps.routers) app.use(router);
  app.use(notFound);
  app.use(errorMiddleware(deps.logger, deps.redactor));
  return app;
}
