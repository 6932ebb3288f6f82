import { Router } from 'express';
import { HubError } from '../../errors.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import { methodNotAllowed } from '../errors.js';
import { requireAdmin } from './admin.js';

/** Scheduled work and how its latest runs went: for operators and the status page. */
export function scheduleRoutes(scheduler: Scheduler, adminToken?: string): Router {
  const router = Router();
  const admin = requireAdmin(adminToken);
  router.get('/api/v1/schedules', async (_req, res) => {
    res.json({ schedules: await scheduler.list() });
  });
  router
    .route('/api/v1/schedules/:id/run')
    .post(admin, async (req, res) => {
      const id = req.params.id!;
      if (!(await scheduler.runNow(id))) throw new HubError('HUB_ERR_NOT_FOUND', `no schedule "${id}"`);
      res.status(202).json({ schedule: id, status: 'queued' });
    })
    .all(admin, methodNotAllowed(['POST']));
  return router;
}
