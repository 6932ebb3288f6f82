/** The HTTP side of the error catalogue (src/errors.ts): the one place an error becomes an answer. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HubError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import { isStoreUnreachable } from '../store/unreachable.js';

/** Seconds a client is asked to wait while the store cannot be reached: PostgreSQL restarts or fails over in seconds. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HubError('HUB_ERR_NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, _res, next) => {
    next(
      new HubError(
        'HUB_ERR_METHOD_NOT_ALLOWED',
        `${req.method} is not allowed on ${req.path}; use ${allowed.join(', ')}`,
        undefined,
        {
          Allow: allowed.join(', '),
        },
      ),
    );
  };
}

/** body-parser's errors carry a `type`; they are the client's fault and get a 4xx of our catalogue. */
function fromBodyParser(error: { type?: string; status?: number; message?: string; code?: string }): HubError | null {
  // zlib's own errors (Z_DATA_ERROR, Z_BUF_ERROR): the body is not what its Content-Encoding says.
  if (typeof error.code === 'string' && error.code.startsWith('Z_')) {
    return new HubError('HUB_ERR_INVALID_JSON', 'the body could not be decompressed as its Content-Encoding says');
  }
  switch (error.type) {
    case 'entity.parse.failed':
      return new HubError('HUB_ERR_INVALID_JSON', 'the body is not valid JSON');
    case 'entity.too.large':
      return new HubError('HUB_ERR_BODY_TOO_LARGE', 'the body is larger than 1 MiB');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HubError('HUB_ERR_UNSUPPORTED_MEDIA_TYPE', error.message ?? 'unsupported encoding');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new HubError('HUB_ERR_INVALID_JSON', 'the body could not be read');
    default:
      return null;
  }
}

export function errorMiddleware(logger: Logger, redactor: Redactor): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let hubError: HubError;
    if (error instanceof HubError) hubError = error;
    else {
      const parsed = typeof error === 'object' && error !== null ? fromBodyParser(error as { type?: string }) : null;
      if (parsed) hubError = parsed;
      else if (isStoreUnreachable(error)) {
        logger.warn('request answered 503: the store cannot be reached', {
          method: req.method,
          path: req.path,
          error: String((error as Error)?.message ?? error),
        });
        hubError = new HubError(
          'HUB_ERR_STORE_UNAVAILABLE',
          `the store (PostgreSQL) cannot be reached; retry in ${STORE_RETRY_AFTER_SECONDS} s (an ingest retry with the same Idempotency-Key is stored once)`,
          undefined,
          { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) },
        );
      } else if (
        typeof (error as { status?: unknown }).status === 'number' &&
        (error as { status: number }).status < 500
      ) {
        hubError = new HubError('HUB_ERR_BAD_PARAMETER', 'the request could not be understood');
      } else {
        logger.error('request failed', {
          method: req.method,
          path: req.path,
          error: String((error as Error)?.stack ?? error),
        });
        hubError = new HubError('HUB_ERR_INTERNAL', 'internal error; see the hub log');
      }
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(hubError.headers ?? {})) res.setHeader(name, value);
    res.status(hubError.status).json({
      error: {
        code: hubError.code,
        message: redactor.redact(hubError.message),
        ...(hubError.fields ? { fields: hubError.fields } : {}),
        ...(typeof res.locals.requestId === 'string' ? { requestId: res.locals.requestId } : {}),
      },
    });
  };
}
