import { createHash } from 'node:crypto';
import { DeliveryError, UpstreamError, codeForStatus } from '../../src/module-api.js';

/** Detectify's documented answers, in the original's words. */
const STATUS_MESSAGES: Record<number, string> = {
  400: 'Malformed scan profile token',
  401: 'Invalid API key',
  403: 'The API key cannot access this functionality',
  404: 'Scan profile not found',
  409: 'Scan already running for profile',
  423: 'Locked: the domain is not verified',
};

const STATUS_CODES: Record<number, string> = {
  400: 'DETECTIFY_MALFORMED_TOKEN',
  401: 'DETECTIFY_INVALID_KEY',
  403: 'DETECTIFY_KEY_LACKS_ACCESS',
  404: 'DETECTIFY_PROFILE_NOT_FOUND',
  409: 'DETECTIFY_SCAN_RUNNING',
  423: 'DETECTIFY_DOMAIN_NOT_VERIFIED',
};

export function messageForStatus(status: number): string {
  if (status >= 500) return `Internal Detectify error (${status})`;
  if (status === 429) return 'Detectify rate limit reached (429)';
  const known = STATUS_MESSAGES[status];
  return known ? `${known} (${status})` : `Detectify answered ${status}`;
}

/**
 * How a key is named in logs, errors and results: its position in DETECTIFY_API_KEYS and a short hash,
 * so operators can tell keys apart (even after reordering) without the key itself ever being printed.
 */
export function keyLabel(key: string, index: number): string {
  return `key ${index + 1} (sha256:${createHash('sha256').update(key).digest('hex').slice(0, 8)})`;
}

/**
 * Detectify failures as delivery errors, with our message instead of the upstream body. 5xx, 429 and
 * network trouble are retried (honouring Retry-After); 409 is not an error (see the scans); every other
 * 4xx will answer the same next time, so it is permanent.
 */
export function detectifyError(context: string, error: unknown): DeliveryError {
  if (error instanceof UpstreamError && error.status !== undefined) {
    const status = error.status;
    const retryable = status >= 500 || status === 429 || status === 408;
    return new DeliveryError(`${context}: ${messageForStatus(status)}`, {
      status,
      code: codeForStatus(status),
      reason: STATUS_CODES[status] ?? (status >= 500 ? 'DETECTIFY_SERVER_ERROR' : 'DETECTIFY_HTTP_ERROR'),
      permanent: !retryable,
      retryAfterMs: error.retryAfterMs,
    });
  }
  if (error instanceof DeliveryError) {
    return new DeliveryError(`${context}: ${error.message}`, {
      status: error.status,
      code: error.code,
      reason: error.reason,
      permanent: error.permanent,
      retryAfterMs: error.retryAfterMs,
    });
  }
  // Not from the HTTP client (a bug or a surprise): the original class name only, never a dump of the request.
  return new DeliveryError(
    `${context}: ${error instanceof Error ? error.message || error.name : 'unexpected failure'}`,
  );
}
