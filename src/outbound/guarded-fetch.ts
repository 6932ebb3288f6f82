import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { DeliveryError } from '../errors.js';
import { UrlRefusedError, type Checked, type UrlGuard } from './url-guard.js';

export interface GuardedFetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Redirects followed, each hop checked by the guard first; default 5. 0 hands the 3xx back. */
  maxRedirects?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The answer's body is cut off past this many bytes (`truncated`); default 1 MiB. */
  maxBodyBytes?: number;
}

export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
  /** The URL that answered, after redirects. */
  url: string;
  /** Every URL requested, in order (the first included). */
  hops: string[];
}

/** A `lookup` that answers the address the guard checked, whatever DNS would say now. */
export function pinnedLookup(checked: Extract<Checked, { ok: true }>): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: checked.address, family: checked.family }]);
    else callback(null, checked.address, checked.family);
  }) as unknown as LookupFunction;
}

/**
 * Fetches a URL through the guard: each hop is checked before any byte is sent, connected to the checked
 * address, and redirects are followed here (never by the HTTP library) so each `Location` is checked too.
 * A refused hop throws `UrlRefusedError` (permanent); network trouble a retryable `DeliveryError`.
 */
export async function guardedFetch(
  guard: UrlGuard,
  url: string,
  options: GuardedFetchOptions = {},
): Promise<GuardedResponse> {
  const maxRedirects = options.maxRedirects ?? 5;
  const hops: string[] = [];
  let current = url;
  let method = (options.method ?? 'GET').toUpperCase();
  let body = options.body;
  for (;;) {
    const checked = await guard.check(current);
    if (!checked.ok) {
      if (checked.temporary)
        throw new DeliveryError(`${checked.url}: ${checked.reason}`, { code: 'HUB_ERR_UNREACHABLE', reason: 'DNS' });
      throw new UrlRefusedError([
        {
          url: checked.url,
          reason: hops.length > 0 ? `${checked.reason}, redirected from ${hops.at(-1)}` : checked.reason,
        },
      ]);
    }
    hops.push(checked.url);
    const answer = await requestOnce(checked, { ...options, method, body });
    const location = answer.headers.location;
    if (answer.status >= 300 && answer.status < 400 && location && hops.length <= maxRedirects && maxRedirects > 0) {
      current = new URL(location, checked.url).href;
      // As browsers do: 303 (and 301/302 after a POST) turn into a GET without a body.
      if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    if (answer.status >= 300 && answer.status < 400 && location && maxRedirects > 0) {
      throw new DeliveryError(`${url}: more than ${maxRedirects} redirects`, {
        code: 'HUB_ERR_UPSTREAM',
        reason: 'TOO_MANY_REDIRECTS',
        permanent: true,
      });
    }
    return { ...answer, url: checked.url, hops };
  }
}

function requestOnce(
  checked: Extract<Checked, { ok: true }>,
  options: GuardedFetchOptions & { method: string },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer; truncated: boolean }> {
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const client = checked.url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      checked.url,
      {
        method: options.method,
        headers: { 'user-agent': 'alvares-hub', ...options.headers },
        lookup: pinnedLookup(checked),
        timeout: options.timeoutMs ?? 10_000,
        ...(options.signal ? { signal: options.signal } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => {
          if (truncated) return;
          if (size + chunk.length > limit) {
            chunks.push(chunk.subarray(0, limit - size));
            truncated = true;
            res.destroy();
            finish();
            return;
          }
          size += chunk.length;
          chunks.push(chunk);
        });
        const finish = () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated });
        res.on('end', finish);
        res.on('error', (error) => (truncated ? undefined : reject(unreachable(checked.url, error))));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => reject(unreachable(checked.url, error)));
    req.end(options.body);
  });
}

function unreachable(url: string, error: Error & { code?: string }): DeliveryError {
  const timedOut = error.code === 'ETIMEDOUT';
  return new DeliveryError(`${url} unreachable: ${error.code ?? error.message}`, {
    code: timedOut ? 'HUB_ERR_TIMEOUT' : 'HUB_ERR_UNREACHABLE',
    ...(error.code ? { reason: error.code } : {}),
    cause: error,
  });
}
