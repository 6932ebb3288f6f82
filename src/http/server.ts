import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/**
 * The listening socket, opened first so the hub knows its own address (PORT=0 in tests) before anything
 * that hands out links is made. Until the app is attached it answers /health (the process serves) and 503
 * to everything else.
 */
export class HubServer {
  private readonly server: http.Server;
  private app: Express | null = null;

  constructor() {
    this.server = http.createServer((req, res) => {
      if (this.app) {
        this.app(req, res);
        return;
      }
      const starting =
        req.url === '/health'
          ? { status: 200, body: { status: 'ok' } }
          : {
              status: 503,
              body: { error: { code: 'HUB_ERR_UNAVAILABLE', message: 'the hub is starting' } },
            };
      res.writeHead(starting.status, {
        'content-type': 'application/json; charset=utf-8',
        ...(starting.status === 503 ? { 'retry-after': '1' } : {}),
      });
      res.end(JSON.stringify(starting.body));
    });
    // Aspen waits 5 s; a slow client must not hold a socket forever.
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(port: number, host: string): Promise<number> {
    this.server.listen(port, host);
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  get port(): number | null {
    const address = this.server.address() as AddressInfo | null;
    return address ? address.port : null;
  }

  /** The app once attached (the route walk of the OpenAPI test reads it). */
  get attached(): Express | null {
    return this.app;
  }

  attach(app: Express): void {
    this.app = app;
  }

  /** Stops accepting; open requests may finish for `timeoutMs`, then every connection is cut. */
  async close(timeoutMs: number): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    this.server.closeAllConnections();
  }
}
