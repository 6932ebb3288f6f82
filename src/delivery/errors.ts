import type { DeliveryErrorInfo } from '../events/types.js';

/**
 * How a module tells the delivery engine what went wrong. Anything else thrown is treated as a transient
 * failure and retried. `permanent` failures go dead at once: retrying a revoked token for a day helps nobody.
 */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  readonly status?: number;
  readonly code?: string;
  /** Honour the upstream's Retry-After instead of our own backoff. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options: { permanent?: boolean; status?: number; code?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DeliveryError';
    this.permanent = options.permanent ?? false;
    this.status = options.status;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }

  toInfo(): DeliveryErrorInfo {
    return {
      message: this.message,
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.code !== undefined ? { code: this.code } : {}),
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
    options: { body?: string; retryAfterMs?: number; message?: string; code?: string; permanent?: boolean } = {},
  ) {
    const body = options.body === undefined ? undefined : trimBody(options.body);
    super(options.message ?? `${service} answered ${status}${body ? `: ${body}` : ''}`, {
      status,
      code: options.code,
      retryAfterMs: options.retryAfterMs,
      permanent: options.permanent ?? isPermanentStatus(status),
    });
    this.name = 'UpstreamError';
    this.body = body;
  }
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
  if (error instanceof Error) return { message: error.message || error.name };
  return { message: String(error) };
}
