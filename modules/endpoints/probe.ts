import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CheckStatus } from '../../src/module-api.js';

export interface ProbeOptions {
  pattern: string;
  timeoutMs: number;
  slowMs: number;
  certificateDays: number;
  signal: AbortSignal;
  agents: { http: http.Agent; https: https.Agent };
  /** The address the URL guard checked: connected to instead of a fresh DNS answer (no rebinding). */
  pinned?: { address: string; family: 4 | 6 };
}

export interface ProbeResult {
  status: CheckStatus;
  /** What was found, in a few words: "keyword missing", "HTTP 503", "refused". */
  finding: string;
  httpStatus: number | null;
  elapsedMs: number;
  certificateExpires: string | null;
}

/** Enough of a monitor page to find its keyword; a page that keeps streaming is not read to the end. */
const MAX_BODY_BYTES = 1024 * 1024;
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'HUB_TIMEOUT',
]);

/**
 * GETs a monitor URL the way UptimeRobot's keyword monitoring did: HTTP >= 400 or the keyword missing is an
 * `error`; refused, reset, unreachable or no answer within the timeout is `critical`; slower than `slowMs`
 * or a certificate expiring within `certificateDays` is a `warning`; else `ok`.
 */
export function probe(url: URL, options: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<ProbeResult, 'elapsedMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, elapsedMs: Math.round(performance.now() - started) });
    };
    const request = transport.get(url, {
      agent: url.protocol === 'https:' ? options.agents.https : options.agents.http,
      headers: { 'user-agent': 'alvares-endpoints/1', accept: 'text/html,application/json,text/plain,*/*' },
      signal: options.signal,
      ...(options.pinned ? { lookup: pinnedLookup(options.pinned) } : {}),
    });
    const timer = setTimeout(
      () =>
        request.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'HUB_TIMEOUT' })),
      options.timeoutMs,
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      const aborted = options.signal.aborted;
      const unreachable = UNREACHABLE.has(code) || aborted;
      const finding =
        code === 'HUB_TIMEOUT'
          ? 'timed out'
          : code === 'ECONNREFUSED'
            ? 'refused'
            : code === 'ECONNRESET'
              ? 'connection reset'
              : aborted
                ? 'run stopped'
                : code || error.message;
      finish({
        status: unreachable ? 'critical' : 'error',
        finding: `${finding}${code && finding !== code ? ` (${code})` : ''}`,
        httpStatus: null,
        certificateExpires: null,
      });
    });
    request.on('response', (response) => {
      const certificate = certificateOf(response.socket as TLSSocket);
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size >= MAX_BODY_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) response.destroy();
      });
      const judge = () => {
        const status = response.statusCode ?? 0;
        const elapsed = performance.now() - started;
        const body = Buffer.concat(chunks).toString('utf8');
        const base = { httpStatus: status, certificateExpires: certificate?.toISOString() ?? null };
        if (status >= 400) return finish({ ...base, status: 'error', finding: `HTTP ${status}` });
        if (options.pattern && !body.includes(options.pattern))
          return finish({ ...base, status: 'error', finding: 'keyword missing' });
        if (elapsed > options.slowMs)
          return finish({ ...base, status: 'warning', finding: `slow (${Math.round(elapsed)} ms)` });
        if (certificate && certificate.getTime() - Date.now() < options.certificateDays * 86_400_000) {
          const days = Math.floor((certificate.getTime() - Date.now()) / 86_400_000);
          return finish({
            ...base,
            status: 'warning',
            finding: days < 0 ? 'certificate expired' : `certificate expires in ${days} day(s)`,
          });
        }
        return finish({ ...base, status: 'ok', finding: 'keyword found' });
      };
      response.on('end', judge);
      response.on('close', judge);
      response.on('error', () => judge());
    });
  });
}

function certificateOf(socket: TLSSocket | null): Date | null {
  if (!socket || typeof socket.getPeerCertificate !== 'function') return null;
  const validTo = socket.getPeerCertificate()?.valid_to;
  const date = validTo ? new Date(validTo) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

/** A `lookup` that answers the checked address whatever DNS would say now (the TLS name stays the URL's). */
function pinnedLookup(pinned: { address: string; family: 4 | 6 }): LookupFunction {
  const lookup = (_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  return lookup as unknown as LookupFunction;
}
