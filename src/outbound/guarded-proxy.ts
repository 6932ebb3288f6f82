import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { pinnedLookup } from './guarded-fetch.js';
import type { Refused, UrlGuard } from './url-guard.js';

export interface GuardedProxy {
  /** `http://127.0.0.1:<port>`: hand it to a browser as its only way out (`--proxy-server=`). */
  url: string;
  port: number;
  /** Every request refused so far (navigations, redirects, sub-resources), in order. */
  readonly refused: Refused[];
  /** Every URL let through (https as `https://host:port`, its path being inside TLS). */
  readonly allowed: string[];
  close(): Promise<void>;
}

/** Hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1), and the proxy's own. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * A forward proxy on 127.0.0.1 through which a browser reaches the network, every request checked by the
 * guard first: plain http requests by their full URL, https (and WebSocket) tunnels by host and port
 * (CONNECT). Allowed ones are connected to the address the guard checked. A redirect is the browser's
 * next request, so every hop is checked too. Refused ones get a 403 and are recorded, and nothing is sent
 * to where they pointed.
 */
export async function startGuardedProxy(guard: UrlGuard, options: { timeoutMs?: number } = {}): Promise<GuardedProxy> {
  const refused: Refused[] = [];
  const allowed: string[] = [];
  const sockets = new Set<net.Socket>();
  const timeoutMs = options.timeoutMs ?? 30_000;

  const forward = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const target = req.url ?? '';
    if (!/^https?:\/\//i.test(target)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('this is a forward proxy: request absolute URLs');
      return;
    }
    const checked = await guard.check(target);
    if (!checked.ok) {
      refused.push({ url: checked.url, reason: checked.reason });
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`refused by the hub: ${checked.reason}`);
      req.resume();
      return;
    }
    allowed.push(checked.url);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value;
    const client = checked.url.startsWith('https:') ? https : http;
    const upstream = client.request(
      checked.url,
      { method: req.method, headers, lookup: pinnedLookup(checked), agent: false, timeout: timeoutMs },
      (answer) => {
        const back: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers))
          if (value !== undefined && !HOP_HEADERS.has(name)) back[name] = value;
        res.writeHead(answer.statusCode ?? 502, back);
        answer.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('upstream unreachable');
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const tunnel = async (req: http.IncomingMessage, socket: net.Socket, head: Buffer): Promise<void> => {
    socket.on('error', () => socket.destroy());
    const authority = req.url ?? '';
    const checked = await guard.check(`https://${authority}/`);
    if (!checked.ok) {
      refused.push({ url: checked.url, reason: checked.reason });
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nrefused by the hub\r\n');
      return;
    }
    allowed.push(checked.url.replace(/\/$/, ''));
    const upstream = net.connect({ host: checked.address, port: checked.port, family: checked.family });
    sockets.add(upstream);
    upstream.setTimeout(timeoutMs, () => upstream.destroy());
    upstream.once('connect', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => (socket.writable ? socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n') : socket.destroy()));
    upstream.on('close', () => {
      sockets.delete(upstream);
      socket.destroy();
    });
  };

  // Node does not wait for these handlers: a check that throws ends the request with a 502 here, rather than
  // as an unhandled rejection.
  const server = http.createServer((req, res) => {
    forward(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('proxy failure');
      else res.destroy();
    });
  });
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    tunnel(req, socket, head).catch(() =>
      socket.writable ? socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n') : socket.destroy(),
    );
  });

  // A plain-http WebSocket upgrade: browsers tunnel those with CONNECT; anything else here is refused.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    refused.push({ url: req.url ?? '', reason: 'upgrades are only tunnelled (CONNECT)' });
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    refused,
    allowed,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
