/** Node's socket errors that mean the server is not there (refused, reset, gone, unresolvable). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL's own codes for "not now": class 08 (connection exceptions), 57P01-57P03 (shutting down, crash
 * recovery, starting up) and 53300 (too many connections).
 */
const SERVER_CODES = /^(08...|57P0[123]|53300)$/;

/** What node-postgres says when a connection dies under it or cannot be had in time. */
const DRIVER_MESSAGES =
  /Connection terminated|connection error|Client was closed|timeout exceeded when trying to connect|Connection ended unexpectedly/i;

/**
 * Whether an error means PostgreSQL could not be reached (as opposed to a query it refused): a request that
 * meets one is answered 503 with Retry-After, not 500. Causes are followed, for errors we wrap.
 */
export function isStoreUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth += 1) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_CODES.test(code))) return true;
    if (typeof message === 'string' && DRIVER_MESSAGES.test(message)) return true;
    if (current instanceof AggregateError && current.errors.some((inner) => isStoreUnreachable(inner))) return true;
    current = cause;
  }
  return false;
}
