import { Router } from 'express';
import type { Scheduler } from '../../scheduler/scheduler.js';
import { doc } from '../route-docs.js';

/** Scheduled work and how its latest runs went: for operators and the status page. */
export function scheduleRoutes(scheduler: Scheduler): Router {
  const router = Router();
  router.get('/api/v1/schedules', doc({ summary: 'Scheduled work with its latest runs', tags: ['schedules'] }), async (_req, res) => {
    res.json({ schedules: await scheduler.list() });
  });
  return router;
}
