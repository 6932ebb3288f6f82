import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingServer {
  url: string;
  port: number;
  /** Every request received: method, path and Host header. */
  requests: Array<{ method: string; path: string; host: string | undefined }>;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 answering every path from `routes` (or a 200 page), counting what reached it. */
export async function startCountingServer(
  routes: Record<string, (res: http.ServerResponse, self: CountingServer) => void> = {},
): Promise<CountingServer> {
  const requests: CountingServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ method: req.method ?? '', path, host: req.headers.host });
    const route = routes[path];
    if (route) route(res, self);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(`internal ${path}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const self: CountingServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return self;
}
