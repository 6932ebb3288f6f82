import { Router } from 'express';
import type { Db } from '../../store/db.js';

export function healthRoutes(deps: { db: Db; isReady: () => boolean }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    if (!deps.isReady()) {
      res.status(503).json({ status: 'starting or stopping' });
      return;
    }
    try {
      await deps.db.query("select 1 from hub_migrations limit 1");
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'store unreachable' });
    }
  });
  return router;
}
