import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';

/** The error catalogue: stable codes, one HTTP status each, mapped in one middleware. */
export const ERROR_CODES = {
  HUB_ERR_INVALID_JSON: 400,
  HUB_ERR_VALIDATION: 400,
  HUB_ERR_TOO_DEEP: 400,
  HUB_ERR_BAD_PARAMETER: 400,
  HUB_ERR_UNAUTHORIZED: 401,
  HUB_ERR_NOT_FOUND: 404,
  HUB_ERR_METHOD_NOT_ALLOWED: 405,
  HUB_ERR_CONFLICT: 409,
  HUB_ERR_BODY_TOO_LARGE: 413,
  HUB_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  HUB_ERR_INTERNAL: 500,
  HUB_ERR_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldProblem {
  field: string;
  message: string;
}

export class HubError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HubError';
    this.status = ERROR_CODES[code];
  }
}

export function validationError(error: z.ZodError, what: string): HubError {
  const fields = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
  const names = [...new Set(fields.map((field) => field.field))].join(', ');
  return new HubError('HUB_ERR_VALIDATION', `invalid ${what}: ${names}`, fields);
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HubError('HUB_ERR_NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, _res, next) => {
    next(
      new HubError('HUB_ERR_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; use ${allowed.join(', ')}`, undefined, {
        Allow: allowed.join(', '),
      }),
    );
  };
}

/** body-parser's errors carry a `type`; they are the client's fault and get a 4xx of our catalogue. */
function fromBodyParser(error: { type?: string; status?: number; message?: string }): HubError | null {
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
      else if (typeof (error as { status?: unknown }).status === 'number' && (error as { status: number }).status < 500) {
        hubError = new HubError('HUB_ERR_BAD_PARAMETER', 'the request could not be understood');
      } else {
        logger.error('request failed', { method: req.method, path: req.path, error: String((error as Error)?.stack ?? error) });
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
      },
    });
  };
}
