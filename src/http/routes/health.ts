import type { Router } from 'express';
import { hubRouter } from '../../util/http-router.js';
import type { Db } from '../../store/db.js';
import { doc } from '../route-docs.js';

export function healthRoutes(deps: { db: Db; isReady: () => boolean }): Router {
  const router = hubRouter();
  router.get(
    '/health',
    doc({ summary: 'Liveness: 200 while the process serves', tags: ['operations'] }),
    (_req, res) => {
      res.json({ status: 'ok' });
    },
  );
  router.get(
    '/ready',
    doc({
      summary: 'Readiness: 200 when started and the store answers, 503 otherwise',
      tags: ['operations'],
      errors: { 503: 'starting, stopping or store unreachable' },
    }),
    async (_req, res) => {
      if (!deps.isReady()) {
        res.status(503).json({ status: 'starting or stopping' });
        return;
      }
      try {
        await deps.db.query('select 1 from hub_migrations limit 1');
        res.json({ status: 'ready' });
      } catch {
        res.status(503).json({ status: 'store unreachable' });
      }
    },
  );
  return router;
}
