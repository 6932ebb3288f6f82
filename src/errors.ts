/**
 * The error catalogue: every code the hub gives out, in one place. Request errors (`HubError`) carry an
 * HTTP status, mapped to an answer by the one error middleware (src/http/errors.ts). Delivery errors
 * (`DeliveryError`) are what a module's run ended with; their code says what kind of failure it was, and
 * `reason` keeps the other side's own word for it (Slack's `channel_not_found`, `DETECTIFY_INVALID_KEY`).
 */
export const REQUEST_ERRORS = {
  HUB_ERR_INVALID_JSON: 400,
  HUB_ERR_VALIDATION: 400,
  HUB_ERR_TOO_DEEP: 400,
  HUB_ERR_BAD_PARAMETER: 400,
  HUB_ERR_UNAUTHORIZED: 401,
  HUB_ERR_FORBIDDEN: 403,
  HUB_ERR_NOT_FOUND: 404,
  HUB_ERR_METHOD_NOT_ALLOWED: 405,
  HUB_ERR_CONFLICT: 409,
  HUB_ERR_BODY_TOO_LARGE: 413,
  HUB_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  HUB_ERR_RATE_LIMITED: 429,
  HUB_ERR_INTERNAL: 500,
  HUB_ERR_UNAVAILABLE: 503,
  /** PostgreSQL cannot be reached: nothing the request needed could be read or stored; retry after Retry-After. */
  HUB_ERR_STORE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof REQUEST_ERRORS;

/** What each request code means to the client that gets it (docs/reference/errors.md is written from this). */
export const REQUEST_ERROR_MEANINGS: Record<ErrorCode, string> = {
  HUB_ERR_INVALID_JSON: 'The body is not JSON, or could not be read or decompressed as its `Content-Encoding` says.',
  HUB_ERR_VALIDATION:
    'The body (or a query, or a configuration sent at run time) breaks its schema; `fields` names each field at fault and what is wrong with it.',
  HUB_ERR_TOO_DEEP: 'The JSON body nests deeper than 32 levels.',
  HUB_ERR_BAD_PARAMETER:
    'A path or query parameter is not acceptable: not valid percent-encoded UTF-8, a control character, a value outside its list, a paging cursor this API did not hand out.',
  HUB_ERR_UNAUTHORIZED:
    'A bearer token, an ingest credential or a webhook signature is missing or wrong (`WWW-Authenticate: Bearer` where a token is wanted).',
  HUB_ERR_FORBIDDEN:
    'Signed in, but the request may not do this: a status-page form whose CSRF token is stale or from elsewhere.',
  HUB_ERR_NOT_FOUND:
    'No such route, or no such thing (event, delivery, module, schedule, check). Routes that need a token the hub was not given (`ADMIN_TOKEN`, a webhook secret) answer this too, so they cannot be found by probing.',
  HUB_ERR_METHOD_NOT_ALLOWED: 'The route exists but not with this method; `Allow` lists the methods it takes.',
  HUB_ERR_CONFLICT:
    'The request contradicts the current state: a delivery that is still queued or running, a run that has ended, a name already taken, a module configuration the module does not start with.',
  HUB_ERR_BODY_TOO_LARGE: 'The body is larger than 1 MiB.',
  HUB_ERR_UNSUPPORTED_MEDIA_TYPE:
    'The body is not of a media type the route reads (JSON, or the CloudEvents types on `/api/v1/cdevents`), or its encoding or charset is unknown.',
  HUB_ERR_RATE_LIMITED:
    'The sender went past `INGEST_RATE_PER_MINUTE`, or its address failed authentication too often; `Retry-After` says how many seconds to wait.',
  HUB_ERR_INTERNAL:
    'A fault of the hub; the log has the stack trace under the same `requestId`. Bad input never gives this.',
  HUB_ERR_UNAVAILABLE: 'The hub is starting or stopping and cannot serve the request yet; try again.',
  HUB_ERR_STORE_UNAVAILABLE:
    'PostgreSQL cannot be reached: nothing the request needed was read or stored. Retry after `Retry-After`; an event answered this way was not accepted.',
};

/** What a delivery (or a scheduled run) can end with, whichever module ran it. */
export const DELIVERY_ERRORS = {
  /** The attempt ran past its module's timeout (or shutdown's patience). */
  HUB_ERR_TIMEOUT: 'the attempt ran out of time',
  /** The other side asked us to slow down (429, Slack's ratelimited). */
  HUB_ERR_RATE_LIMITED: 'rate-limited by the other side',
  /** The other side answered with an error (a 4xx/5xx, or an API error such as Slack's). */
  HUB_ERR_UPSTREAM: 'the other side answered with an error',
  /** The other side refused our credentials. */
  HUB_ERR_UPSTREAM_AUTH: 'the other side refused our credentials',
  /** The other side answered in a shape we cannot read. */
  HUB_ERR_UPSTREAM_ANSWER: 'the other side answered something unexpected',
  /** The other side could not be reached (refused, reset, DNS, timeout on connect). */
  HUB_ERR_UNREACHABLE: 'the other side could not be reached',
  /** The hub would not do it: a URL outside the allow-list, a page that is not one of ours. */
  HUB_ERR_REFUSED: 'refused by the hub',
  /** The work waits for another delivery (Slack replies wait for their thread root). */
  HUB_ERR_WAITING: 'waiting for other work',
  /** The module was off when the delivery came up. */
  HUB_ERR_MODULE_OFF: 'the module is off',
  /** Anything a module threw without saying what it was: retried. */
  HUB_ERR_FAILED: 'the module failed',
} as const;

export type DeliveryCode = keyof typeof DELIVERY_ERRORS;

/** How a delivery's or run's failure is recorded and shown (the lifecycle, the events API, the page). */
export interface DeliveryErrorInfo {
  message: string;
  /** Upstream HTTP status, when the failure came from another service. */
  status?: number;
  /** One of the catalogue's delivery codes. */
  code?: DeliveryCode;
  /** The other side's or the module's own word for it: Slack's `channel_not_found`, `DETECTIFY_INVALID_KEY`. */
  reason?: string;
  permanent?: boolean;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** A request the hub refuses or cannot serve: a stable code, its status, and the fields at fault. */
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
    this.status = REQUEST_ERRORS[code];
  }
}

/** A module's configuration or the module list is wrong: every problem at once, and start-up stops. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** A zod failure as a 400 naming every bad field (`slackChannels`, `replicas`, `(body)` for the whole). */
export function validationError(
  error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> },
  what: string,
): HubError {
  const fields = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
  const names = [...new Set(fields.map((field) => field.field))].join(', ');
  return new HubError('HUB_ERR_VALIDATION', `invalid ${what}: ${names}`, fields);
}

/**
 * How a module tells the delivery engine what went wrong. Anything else thrown is treated as a transient
 * failure and retried. `permanent` failures go dead at once: retrying a revoked token for a day helps nobody.
 * `code` is one of the catalogue's (src/errors.ts); `reason` is the other side's or the module's own word.
 */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  readonly status?: number;
  readonly code: DeliveryCode;
  readonly reason?: string;
  /** Honour the upstream's Retry-After instead of our own backoff. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options: {
      permanent?: boolean;
      status?: number;
      code?: DeliveryCode;
      reason?: string;
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DeliveryError';
    this.permanent = options.permanent ?? false;
    this.status = options.status;
    this.code = options.code ?? 'HUB_ERR_FAILED';
    this.reason = options.reason;
    this.retryAfterMs = options.retryAfterMs;
  }

  toInfo(): DeliveryErrorInfo {
    return {
      message: this.message,
      ...(this.status !== undefined ? { status: this.status } : {}),
      code: this.code,
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      permanent: this.permanent,
    };
  }
}

/** A non-2xx answer from another service; carries its status and a trimmed body. */
export class UpstreamError extends DeliveryError {
  readonly body?: string;

  constructor(
    service: string,
    status: number,
    options: {
      body?: string;
      retryAfterMs?: number;
      message?: string;
      code?: DeliveryCode;
      reason?: string;
      permanent?: boolean;
    } = {},
  ) {
    const body = options.body === undefined ? undefined : trimBody(options.body);
    super(options.message ?? `${service} answered ${status}${body ? `: ${body}` : ''}`, {
      status,
      code: options.code ?? codeForStatus(status),
      reason: options.reason ?? `http_${status}`,
      retryAfterMs: options.retryAfterMs,
      permanent: options.permanent ?? isPermanentStatus(status),
    });
    this.name = 'UpstreamError';
    this.body = body;
  }
}

/**
 * Not a failure: the module cannot do this work yet (its channel's turn has not come, a serial module is
 * busy) and asks for the delivery to be run again after `delayMs`. It holds no worker while it waits and
 * uses no attempt.
 */
export class DeliveryDeferral extends Error {
  constructor(
    readonly delayMs: number,
    readonly why: string,
  ) {
    super(`deferred for ${delayMs} ms: ${why}`);
    this.name = 'DeliveryDeferral';
  }
}

export function codeForStatus(status: number): DeliveryCode {
  if (status === 429) return 'HUB_ERR_RATE_LIMITED';
  if (status === 401 || status === 403) return 'HUB_ERR_UPSTREAM_AUTH';
  return 'HUB_ERR_UPSTREAM';
}

/** 4xx answers will not change by retrying, except timeouts, conflicts, too-early and rate limits. */
export function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && ![408, 409, 425, 429].includes(status);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or nonsense. Capped at one hour. */
export function parseRetryAfter(value: string | string[] | undefined | null, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  const millis = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(raw) - now;
  if (!Number.isFinite(millis) || millis < 0) return undefined;
  return Math.min(millis, 3_600_000);
}

export function trimBody(body: string, max = 500): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function errorInfo(error: unknown): DeliveryErrorInfo {
  if (error instanceof DeliveryError) return error.toInfo();
  if (error instanceof Error) return { message: error.message || error.name, code: 'HUB_ERR_FAILED' };
  return { message: String(error), code: 'HUB_ERR_FAILED' };
}
