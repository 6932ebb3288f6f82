import type { RequestHandler } from 'express';
import { z } from 'zod';
import { validationError } from '../errors.js';
import { jsonBody } from './json-body.js';

/**
 * What the OpenAPI document says about one route and method. Written next to the handler as its first
 * argument (`router.get(path, doc({...}), handler)`); the document is generated from the routes the app
 * really mounts, so a route without `doc` shows up as undocumented (test/http/openapi.test.ts names it).
 */
export interface RouteDoc {
  summary: string;
  description?: string;
  tags?: string[];
  /** Which bearer token the route wants, if any. */
  auth?: 'admin' | 'metrics';
  /** Path parameters; documented, and validated (answers 404 is the handler's job). */
  params?: z.ZodObject;
  /** Query parameters: validated, the parsed values in `res.locals.query`. */
  query?: z.ZodObject;
  /** A JSON body: parsed (1 MiB, depth-limited) and validated here, the parsed value replacing `req.body`. */
  body?: z.ZodType;
  /** A JSON body validated elsewhere (ingest validates while it enriches): documented only. */
  documentedBody?: z.ZodType;
  /** Documented bodies by media type, when not one JSON body (CloudEvents' structured, batched and binary modes). */
  bodies?: Record<string, z.ZodType>;
  /** Request headers the route reads (a signature, an event name): documented only; the route checks them. */
  headers?: z.ZodObject;
  /** Other successful answers with the same `response`: status -> description (202 for input kept or ignored). */
  alsoSucceeds?: Record<number, string>;
  /** The 2xx answer: a zod schema of the JSON, or another content type. */
  response?: z.ZodType | { contentType: string; description: string };
  /** Status of the successful answer (200 unless said). */
  status?: number;
  /** Other answers worth naming: status -> description. */
  errors?: Record<number, string>;
  /** Redirects the route answers (a page sending a reader to sign in, a form to its page): status -> description. */
  redirects?: Record<number, string>;
}

export const ROUTE_DOC = Symbol.for('alvares.routeDoc');

type Documented = RequestHandler & { [ROUTE_DOC]?: RouteDoc };

export function routeDocOf(handler: unknown): RouteDoc | undefined {
  return typeof handler === 'function' ? (handler as Documented)[ROUTE_DOC] : undefined;
}

/**
 * The route's documentation, and the validation of what it documents (query and body; a body is parsed
 * first with the hub's JSON parser). One handler, so express's types still reach the handlers after it.
 */
export function doc(spec: RouteDoc): RequestHandler {
  const validate: Documented = (req, res, next) => {
    if (spec.query) {
      const parsed = spec.query.safeParse(req.query ?? {});
      if (!parsed.success) return next(validationError(parsed.error, 'query'));
      res.locals.query = parsed.data;
    }
    if (spec.body) {
      const parsed = spec.body.safeParse(req.body);
      if (!parsed.success) return next(validationError(parsed.error, 'body'));
      req.body = parsed.data;
    }
    next();
  };
  if (!spec.body) {
    validate[ROUTE_DOC] = spec;
    return validate;
  }
  const chain = [...jsonBody(), validate];
  const documented: Documented = (req, res, next) => {
    let index = 0;
    const step = (error?: unknown): void => {
      if (error) return next(error);
      const handler = chain[index++];
      if (!handler) return next();
      try {
        void handler(req, res, step);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
  documented[ROUTE_DOC] = spec;
  return documented;
}

const GUARD = Symbol.for('alvares.routeGuard');

/**
 * Marks a handler that runs before another router's route of the same path and method (the configuration
 * file's 409 for what it owns): that route is documented where it is served, not here.
 */
export function guardOf(handler: RequestHandler): RequestHandler {
  return Object.assign(handler, { [GUARD]: true });
}

export function isGuard(handler: unknown): boolean {
  return typeof handler === 'function' && (handler as { [GUARD]?: boolean })[GUARD] === true;
}
