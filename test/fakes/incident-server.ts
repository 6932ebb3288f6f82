import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** When it arrived (epoch ms): how long a client waited after a 429. */
  at: number;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * The part both on-call fakes share: a server on 127.0.0.1 that records every request as it arrived, answers
 * queued failures first (a 429 with Retry-After, a 5xx, an answer that never comes), then the service's own.
 */
export class FakeServiceServer {
  readonly requests: Recorded[] = [];
  private failures: Array<Answer | 'hang'> = [];
  private readonly hanging: http.ServerResponse[] = [];
  url = '';
  private server: http.Server | null = null;

  constructor(private readonly answer: (request: Recorded) => Answer) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? null : JSON.parse(text);
        } catch {
          // Kept as text: the service answers 400 to a body that is not JSON.
        }
        const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() };
        this.requests.push(request);
        const failure = this.failures.shift();
        if (failure === 'hang') {
          this.hanging.push(res);
          return;
        }
        const { status, body: answer, headers } = failure ?? this.answer(request);
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(answer));
      });
    });
    this.server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => this.server!.once('listening', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next requests answer these before the service's own answers resume. */
  failNext(...answers: Array<Answer | 'hang'>): void {
    this.failures.push(...answers);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
