import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json } from '../support/json.js';

export interface ReceivedRequest {
  at: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Json;
}

type Plan = { status: number; headers?: Record<string, string>; body?: string; stallMs?: number };

/**
 * A webhook receiver that can fail, stall and answer 429 on command: a real HTTP server on a free
 * port that records every request it gets (answered or not).
 */
export class FakeSubscriber {
  readonly received: ReceivedRequest[] = [];
  private readonly plans: Plan[] = [];
  /** The answer when no plan is queued: 200 unless `answerUntilTold` set another. */
  private standing: Plan = { status: 200 };
  private readonly server: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  /** Stalled answers still due: cancelled on stop, so nothing outlives the fake. */
  private readonly stalls = new Set<NodeJS.Timeout>();

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the text
        }
        this.received.push({
          at: Date.now(),
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body,
        });
        const plan = this.plans.shift() ?? this.standing;
        const answer = () => {
          res.writeHead(plan.status, { 'content-type': 'application/json', ...plan.headers });
          res.end(plan.body ?? JSON.stringify({ ok: plan.status < 300 }));
        };
        if (plan.stallMs) {
          const timer = setTimeout(() => {
            this.stalls.delete(timer);
            answer();
          }, plan.stallMs);
          this.stalls.add(timer);
        } else answer();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** On `port` (0: a free one, as tests want; the demo asks for a fixed one). */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', resolve);
    });
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** The next `times` requests get this answer. */
  answer(status: number, times = 1, headers: Record<string, string> = {}, body?: string): void {
    for (let i = 0; i < times; i += 1) this.plans.push({ status, headers, body });
  }

  /** Every request from now on gets this answer (an outage), until `answerUntilTold(200)` ends it. */
  answerUntilTold(status: number, body?: string): void {
    this.standing = { status, body };
  }

  stall(ms: number, times = 1): void {
    for (let i = 0; i < times; i += 1) this.plans.push({ status: 200, stallMs: ms });
  }

  eventIds(): string[] {
    return this.received.map((request) => String(request.headers['x-alvares-event-id']));
  }

  async stop(): Promise<void> {
    for (const timer of this.stalls) clearTimeout(timer);
    this.stalls.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
