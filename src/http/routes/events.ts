import type { Router } from 'express';
import { hubRouter } from '../../util/http-router.js';
import type { Db } from '../../store/db.js';
import { findEvent } from '../../store/events-repo.js';
import { HubError } from '../../errors.js';
import { doc } from '../route-docs.js';

export function eventRoutes(db: Db): Router {
  const router = hubRouter();
  router.get(
    '/api/v1/events/:id',
    doc({
      summary: 'One event with its deliveries and their lifecycle',
      tags: ['events'],
      errors: { 404: 'no such event' },
    }),
    async (req, res) => {
      const id = String(req.params.id);
      const event = await findEvent(db, id);
      if (!event) throw new HubError('HUB_ERR_NOT_FOUND', `no event ${id}`);
      res.json(event);
    },
  );
  return router;
}
