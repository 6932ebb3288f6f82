import type { Router } from 'express';
import { hubRouter } from '../../util/http-router.js';
import { HubError } from '../../errors.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import { doc } from '../route-docs.js';
import { methodNotAllowed } from '../errors.js';
import { requireAdmin } from './admin.js';

/** Scheduled work and how its latest runs went: for operators and the status page; admins may start a run now. */
export function scheduleRoutes(scheduler: Scheduler, options: { adminToken?: string; publicUrl: string }): Router {
  const router = hubRouter();
  const admin = requireAdmin(options.adminToken);
  const known = (id: string) => {
    if (!scheduler.has(id)) throw new HubError('HUB_ERR_NOT_FOUND', `no schedule "${id}"`);
    return id;
  };

  router.get(
    '/api/v1/schedules',
    doc({ summary: 'Scheduled work with its latest runs', tags: ['schedules'] }),
    async (_req, res) => {
      res.json({ schedules: await scheduler.list() });
    },
  );

  router
    .route('/api/v1/schedules/:id/run')
    .post(
      doc({
        summary: 'Start a run of a schedule now',
        tags: ['schedules'],
        auth: 'admin',
        status: 202,
        errors: { 404: 'no such schedule', 409: 'a run is queued or running' },
      }),
      admin,
      async (req, res) => {
        const id = known(req.params.id);
        const runId = await scheduler.runNow(id);
        if (runId === null)
          throw new HubError(
            'HUB_ERR_CONFLICT',
            `schedule "${id}" has a run queued or running; try again when it ends`,
          );
        const url = `${options.publicUrl}/api/v1/schedules/${encodeURIComponent(id)}/runs/${runId}`;
        res.status(202).location(url).json({ runId, status: 'queued', url });
      },
    )
    .all(admin, methodNotAllowed(['POST']));

  router.get(
    '/api/v1/schedules/:id/runs/:runId',
    doc({
      summary: 'One run of a schedule: queued, running, succeeded or failed',
      tags: ['schedules'],
      errors: { 404: 'no such schedule or run' },
    }),
    async (req, res) => {
      const id = known(String(req.params.id));
      const runId = String(req.params.runId);
      const run = await scheduler.findRun(id, runId);
      if (!run) throw new HubError('HUB_ERR_NOT_FOUND', `no run ${runId} of "${id}"`);
      res.json(run);
    },
  );
  return router;
}
