import { createSession } from 'better-sse';
import type { Router } from 'express';
import { z } from 'zod';
import { hubRouter } from '../util/http-router.js';
import type { PageAuth } from './auth.js';
import type { LiveFeed } from './live-feed.js';
import { doc } from '../http/route-docs.js';

/** Keep-alive comments: proxies and browsers drop an idle stream after 30-60 s. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * `GET /api/v1/stream`: server-sent events of what the hub's stream publishes, on every replica. Each
 * event is named by its kind (`event.accepted`, `delivery.changed`, `run.changed`, `module.changed`, and
 * what later work adds) and carries an `id:` from PostgreSQL; a reconnect with `Last-Event-ID` (or
 * `?lastEventId=`) gets what it missed. A stream with no id starts with `ready`, carrying the current id.
 */
export function streamRoutes(deps: { auth: PageAuth; feed: LiveFeed; open: Set<() => void> }): Router {
  const router = hubRouter();
  router.get(
    '/api/v1/stream',
    doc({
      summary:
        'Server-sent events of what happens on every replica (id from PostgreSQL; Last-Event-ID replays what was missed)',
      tags: ['status page'],
      headers: z.object({
        'Last-Event-ID': z.string().optional().describe('the id of the last event seen: what came after is sent first'),
      }),
      query: z.object({
        lastEventId: z
          .string()
          .optional()
          .describe('as Last-Event-ID, for clients that cannot set headers (the header wins)'),
      }),
      response: {
        contentType: 'text/event-stream',
        description: 'event accepted, delivery changed, run changed, transition, module changed',
      },
    }),
    deps.auth.identify,
    deps.auth.requireReader,
    async (req, res) => {
      const header = req.get('last-event-id');
      const fromQuery = typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined;
      const lastId = header ?? fromQuery ?? null;
      // better-sse opens the stream and keeps it alive; the feed's frames are made once for every stream
      // and written as they are.
      const session = await createSession(req, res, {
        keepAlive: KEEP_ALIVE_MS,
        retry: 1_000,
        trustClientEventId: false,
        headers: { 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' },
      });
      const send = (frames: string) => {
        if (session.isConnected) res.write(frames);
      };
      if (lastId === null) session.push({ lastId: deps.feed.lastId }, 'ready', deps.feed.lastId);
      const unsubscribe = deps.feed.subscribe(lastId, send, () => {
        if (session.isConnected) session.push({ lastId: deps.feed.lastId }, 'gap', deps.feed.lastId);
      });
      // Shutdown ends open streams first: otherwise the server's close would wait its whole timeout for them.
      const end = () => res.end();
      deps.open.add(end);
      session.once('disconnected', () => {
        unsubscribe();
        deps.open.delete(end);
      });
    },
  );
  return router;
}
