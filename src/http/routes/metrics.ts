import { createHash, timingSafeEqual } from 'node:crypto';
import { type Router, type Application, type RequestHandler } from 'express';
import { hubRouter } from '../../util/http-router.js';
import { z } from 'zod';
import { HubError } from '../../errors.js';
import { openApiDocument } from '../openapi.js';
import { doc } from '../route-docs.js';

export interface MetricsSource {
  contentType: string;
  text(): Promise<string>;
}

/** Open without a token; with METRICS_TOKEN set, `Authorization: Bearer <token>` (constant-time compare). */
function requireMetricsToken(token: string | undefined): RequestHandler {
  const expected = token ? createHash('sha256').update(token).digest() : null;
  return (req, _res, next) => {
    if (!expected) return next();
    const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    const given = createHash('sha256')
      .update(match?.[1]?.trim() ?? '')
      .digest();
    if (!match || !timingSafeEqual(given, expected)) {
      return next(
        new HubError('HUB_ERR_UNAUTHORIZED', 'metrics need Authorization: Bearer <METRICS_TOKEN>', undefined, {
          'WWW-Authenticate': 'Bearer',
        }),
      );
    }
    next();
  };
}

/** GET /metrics (Prometheus text) and GET /api/v1/openapi.json (generated from the routes the app mounts). */
export function metricsRoutes(deps: {
  metrics: MetricsSource;
  metricsToken?: string;
  version: string;
  publicUrl: () => string;
}): Router {
  const router = hubRouter();
  router.get(
    '/metrics',
    doc({
      summary: 'Prometheus metrics: process defaults and alvares_* series',
      tags: ['operations'],
      auth: 'metrics',
      response: { contentType: 'text/plain; version=0.0.4', description: 'Prometheus text exposition format' },
    }),
    requireMetricsToken(deps.metricsToken),
    async (_req, res) => {
      const text = await deps.metrics.text();
      res.setHeader('Content-Type', deps.metrics.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(text);
    },
  );

  let cached: { app: Application; document: Record<string, unknown> } | null = null;
  router.get(
    '/api/v1/openapi.json',
    doc({
      summary: 'This document: OpenAPI 3.1 of every route the hub mounts',
      tags: ['operations'],
      response: z.record(z.string(), z.unknown()),
    }),
    (req, res) => {
      // Routes are mounted once at start; the document is built at the first request and kept.
      if (cached?.app !== req.app)
        cached = {
          app: req.app,
          document: openApiDocument(req.app, { version: deps.version, serverUrl: deps.publicUrl() }),
        };
      res.json(cached.document);
    },
  );
  return router;
}
