import { createHash } from 'node:crypto';
import type { Router } from 'express';
import { hubRouter } from '../util/http-router.js';
import { doc } from '../http/route-docs.js';

import { JS } from './script.js';
import { CSS } from './styles.js';

/**
 * The page's two assets, served by the hub itself (nothing from a CDN: the hub often runs without internet).
 * Kept as strings so `npm run build` carries them into dist/ with no copy step.
 */
function asset(body: string, type: string) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
  return { body, type, etag };
}

const ASSETS: Record<string, ReturnType<typeof asset>> = {
  '/assets/status.css': asset(CSS, 'text/css; charset=utf-8'),
  '/assets/status.js': asset(JS, 'text/javascript; charset=utf-8'),
};

export function assetRoutes(): Router {
  const router = hubRouter();
  for (const [path, file] of Object.entries(ASSETS)) {
    router.get(
      path,
      doc({
        summary: `Status page asset ${path}`,
        tags: ['status page'],
        response: { contentType: 'text/css or text/javascript', description: 'served by the hub itself' },
      }),
      (req, res) => {
        res.setHeader('Cache-Control', 'no-cache');
        res.setHeader('ETag', file.etag);
        if (req.get('if-none-match') === file.etag) {
          res.status(304).end();
          return;
        }
        res.type(file.type).send(file.body);
      },
    );
  }
  return router;
}
