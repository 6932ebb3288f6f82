import express, { type Request, type RequestHandler } from 'express';
import { HubError } from '../errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_JSON_DEPTH = 32;

/**
 * Nesting depth of a JSON text, counted on the raw bytes before parsing, so a body of 500,000 opening
 * brackets is refused without ever building (or overflowing the stack on) the structure.
 */
export function jsonDepth(buffer: Buffer, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < buffer.length; i += 1) {
    const byte = buffer[i];
    if (inString) {
      if (byte === 0x5c)
        i += 1; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (byte === 0x7d || byte === 0x5d) depth -= 1;
  }
  return max;
}

/**
 * The JSON body parser of every write route: 1 MiB, JSON only (415 otherwise), depth-limited. Bodies sent
 * with Content-Encoding gzip, deflate or br are inflated as a stream and the limit applies to what comes
 * out (a gzip bomb stops at 1 MiB); other encodings are 415. `verify` sees the raw (inflated) bytes
 * before parsing: ingest's signature check.
 */
export function jsonBody(options: { verify?: (req: Request, body: Buffer) => void } = {}): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is(['application/json', 'application/*+json'])) {
      next(new HubError('HUB_ERR_UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON with Content-Type: application/json'));
      return;
    }
    next();
  };
  const parse = express.json({
    limit: MAX_BODY_BYTES,
    strict: true,
    type: ['application/json', 'application/*+json'],
    verify: (req, _res, buffer) => {
      options.verify?.(req as Request, buffer);
      if (jsonDepth(buffer, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
        throw new HubError('HUB_ERR_TOO_DEEP', `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
      }
    },
  });
  const requireBody: RequestHandler = (req, _res, next) => {
    if (req.body === undefined) next(new HubError('HUB_ERR_INVALID_JSON', 'the body is empty; send a JSON object'));
    else next();
  };
  return [requireJson, parse, requireBody];
}

/** For routes whose body is optional (POST …/done, POST …/runs): no body is `{}`, a body must be JSON as above. */
export function optionalJsonBody(): RequestHandler[] {
  const [requireJson, parse] = jsonBody();
  const empty: RequestHandler = (req, _res, next) => {
    const length = req.headers['content-length'];
    if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) req.body = {};
    next();
  };
  const whenBody =
    (handler: RequestHandler): RequestHandler =>
    (req, res, next) =>
      req.body === undefined ? handler(req, res, next) : next();
  return [empty, whenBody(requireJson!), whenBody(parse!)];
}
