import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';

export interface HttpObserver {
  observeHttp(route: string, method: string, status: number, seconds: number): void;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The route's pattern (`/api/v1/events/:id`), never the URL: ids and names in paths would explode the series. */
export function routeLabel(req: Request): string {
  // express types the matched route as any: read it as unknown.
  const route = (req as { route?: unknown }).route as { path?: unknown } | undefined;
  return route && typeof route.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}

/** Counts and times every answer, and writes one access line (at `http` level: seen at debug). */
export function httpMetrics(observer: HttpObserver | undefined, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(req);
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      observer?.observeHttp(route, method, res.statusCode, seconds);
      // Checked first: at the usual info level this costs nothing per request.
      if (!logger.isLevelEnabled('http')) return;
      logger.http('request', {
        method,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 10_000) / 10,
        requestId: res.locals.requestId as string | undefined,
      });
    });
    next();
  };
}
