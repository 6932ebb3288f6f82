import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** A connection whose request headers are not complete this long after it opened is answered 408 and closed. */
export const HEADERS_TIMEOUT_MS = 10_000;

/**
 * The listening socket, opened first so the hub knows its own address (PORT=0 in tests) before anything
 * that hands out links is made. Until the app is attached it answers /health (the process serves) and 503
 * to everything else.
 */
export class HubServer {
  private readonly server: http.Server;
  private app: Express | null = null;

  constructor() {
    // Aspen waits 5 s; a slow client must not hold a socket forever. Node checks these timeouts only every
    // `connectionsCheckingInterval` (30 s by default), which let a connection that never finishes its headers
    // live 30-40 s: checked every second, it is closed 10-11 s after it opened.
    const limits = { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 };
    this.server = http.createServer(limits, (req, res) => {
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
