import type { Router } from 'express';
import { hubRouter } from '../../util/http-router.js';
import type { Insights } from '../../insights/insights.js';
import { insightsQuery, questionOf, type InsightsQueryInput } from '../../insights/query.js';
import { doc } from '../route-docs.js';

/** The four delivery measures as JSON; READ_TOKEN applies as to every read under /api/v1. */
export function insightsRoutes(insights: Insights): Router {
  const router = hubRouter();
  router.get(
    '/api/v1/insights',
    doc({
      summary:
        'Delivery insights: deployment frequency, change failure rate, time to restore and lead time, per team and application',
      description:
        "Computed from the hub's own events (deployments, error reports, inspection alerts and recoveries). Each figure has `n` and the ids of the deployments behind it (at most `ids` of them, oldest first).",
      tags: ['insights'],
      query: insightsQuery,
    }),
    async (_req, res) => {
      res.json(await insights.answer(questionOf(res.locals.query as InsightsQueryInput, new Date())));
    },
  );
  return router;
}
