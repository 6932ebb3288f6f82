import axios, { type AxiosError, type AxiosInstance } from 'axios';
import { DeliveryError, UpstreamError, parseRetryAfter } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { HttpClientOptions } from '../module-system/contract.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The outbound HTTP client the core hands to modules: base URL from config (so tests point it at a
 * fake), a timeout on every call, and failures turned into `UpstreamError` (status, trimmed and redacted
 * body, Retry-After) or a retryable `DeliveryError` for network trouble. Secrets never reach the message.
 */
export function createHttpClient(
  options: HttpClientOptions,
  deps: { redactor: Redactor; logger: Logger },
): AxiosInstance {
  const client = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    headers: { 'User-Agent': 'alvares-hub', ...options.headers },
    // Never follow a redirect to somewhere the configuration did not name.
    maxRedirects: 0,
    validateStatus: (status) => status >= 200 && status < 300,
  });
  client.interceptors.response.use(undefined, (error: AxiosError) => {
    throw toDeliveryError(options.service, error, deps.redactor);
  });
  return client;
}

export function toDeliveryError(service: string, error: AxiosError, redactor: Redactor): DeliveryError {
  if (error.response) {
    const { status, data, headers } = error.response;
    const body = typeof data === 'string' ? data : data === undefined ? '' : JSON.stringify(data);
    return new UpstreamError(service, status, {
      body: redactor.redact(body),
      retryAfterMs: parseRetryAfter(headers['retry-after'] as string | undefined),
    });
  }
  const timedOut = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT';
  const reason = timedOut ? 'timed out' : (error.code ?? error.message);
  return new DeliveryError(redactor.redact(`${service} unreachable: ${reason}`), {
    code: timedOut ? 'HUB_ERR_TIMEOUT' : 'HUB_ERR_UNREACHABLE',
    ...(error.code ? { reason: error.code } : {}),
  });
}
