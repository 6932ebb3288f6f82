import type { RequestHandler } from 'express';
import { requestContext, requestIdFrom } from '../logging/request-context.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * Takes the caller's X-Request-Id (or makes one), echoes it, and serves the request inside its context so
 * every line logged while serving it carries `requestId` (src/logging/levels.ts stamps it), as do error bodies.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const id = requestIdFrom(req.get(REQUEST_ID_HEADER));
  res.setHeader(REQUEST_ID_HEADER, id);
  res.locals.requestId = id;
  requestContext.run({ requestId: id }, () => next());
};
