import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json } from '../support/json.js';

/** One CloudEvent as the sink got it, whichever mode carried it: attributes (extensions included) and data. */
export interface SunkEvent {
  mode: 'structured' | 'binary';
  attributes: Record<string, string>;
  data: Json;
  headers: http.IncomingHttpHeaders;
}

/**
 * A CloudEvents HTTP sink on 127.0.0.1 (what a CDEvents broker or a Tekton/Keptn listener offers): takes
 * structured (`application/cloudevents+json`) and binary (`ce-*` headers) mode, answers 202, and records every
 * event; it can answer failures on command and checks a bearer token when given one.
 */
export class FakeCdEventsSink {
  readonly events: SunkEvent[] = [];
  private failures: Array<{ status: number; headers?: Record<string, string> }> = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly token: string | null,
  ) {}

  static async start(options: { token?: string } = {}): Promise<FakeCdEventsSink> {
    let fake: FakeCdEventsSink | null = null;
    const server = http.createServer((req, res) => fake!.handle(req, res));
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeCdEventsSink(server, `http://127.0.0.1:${port}/events`, options.token ?? null);
    return fake;
  }

  failNext(count: number, status: number, headers?: Record<string, string>): void {
    for (let i = 0; i < count; i += 1) this.failures.push({ status, ...(headers ? { headers } : {}) });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, headers: Record<string, string> = {}) => {
        res.writeHead(status, headers);
        res.end();
      };
      if (this.token && req.headers.authorization !== `Bearer ${this.token}`) return answer(401);
      const failure = this.failures.shift();
      if (failure) return answer(failure.status, failure.headers);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, Json>;
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type === 'application/cloudevents+json') {
        const { data, ...attributes } = body;
        this.events.push({ mode: 'structured', attributes, data, headers: req.headers });
      } else {
        const attributes: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (name.startsWith('ce-') && typeof value === 'string')
            attributes[name.slice(3)] = decodeURIComponent(value);
        this.events.push({ mode: 'binary', attributes, data: body, headers: req.headers });
      }
      answer(202);
    });
  }
}
