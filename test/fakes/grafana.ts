import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json } from '../support/json.js';

export interface StoredAnnotation {
  id: number;
  time: number;
  timeEnd: number;
  tags: string[];
  text: string;
  dashboardUID: string | null;
  panelId: number;
}

/**
 * Grafana's annotations HTTP API on 127.0.0.1: `POST /api/annotations` (Bearer service-account token; `time`,
 * `timeEnd` in epoch ms, `tags`, `text`, optional `dashboardUID`/`panelId`) answering `{"message":"Annotation
 * added","id":N}`, and `GET /api/annotations?tags=…&limit=…` (every tag must match). A wrong or missing token is a
 * 401 as Grafana answers it; a queue of 429s (with Retry-After) or other failures can be asked for. Every request
 * is recorded as it arrived.
 */
export class FakeGrafana {
  readonly requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; body: unknown }> = [];
  readonly annotations: StoredAnnotation[] = [];
  private failures: Array<{ status: number; body: string; headers: Record<string, string> }> = [];
  private nextId = 1;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(token: string): Promise<FakeGrafana> {
    let fake: FakeGrafana | null = null;
    const server = http.createServer((req, res) => fake!.handle(req, res));
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeGrafana(server, `http://127.0.0.1:${port}`, token);
    return fake;
  }

  /** The next `count` writes answer 429 Too Many Requests with Retry-After. */
  rateLimitNext(count: number, retryAfterSeconds: number): void {
    for (let i = 0; i < count; i += 1)
      this.failures.push({
        status: 429,
        body: JSON.stringify({ message: 'Too many requests' }),
        headers: { 'Retry-After': String(retryAfterSeconds) },
      });
  }

  /** The next write is stored but its answer never arrives (the connection is cut). */
  dropAnswerNext(): void {
    this.failures.push({ status: 0, body: '', headers: {} });
  }

  posts(): Array<{ headers: http.IncomingHttpHeaders; body: Json }> {
    return this.requests.filter((request) => request.method === 'POST');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // kept as text
      }
      const url = new URL(req.url ?? '/', this.url);
      this.requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      if (url.pathname !== '/api/annotations') return send(404, { message: 'Not found' });
      if (req.headers.authorization !== `Bearer ${this.token}`) return send(401, { message: 'Unauthorized' });
      if (req.method === 'GET') return send(200, this.find(url.searchParams));
      if (req.method !== 'POST') return send(405, { message: 'Method not allowed' });
      const failure = this.failures.shift();
      if (failure && failure.status !== 0) return send(failure.status, failure.body, failure.headers);
      const problem = invalid(body);
      if (problem) return send(400, { message: problem });
      const input = body as Record<string, Json>;
      const annotation: StoredAnnotation = {
        id: this.nextId++,
        time: input.time ?? Date.now(),
        timeEnd: input.timeEnd ?? input.time ?? Date.now(),
        tags: input.tags ?? [],
        text: input.text,
        dashboardUID: input.dashboardUID ?? null,
        panelId: input.panelId ?? 0,
      };
      this.annotations.push(annotation);
      if (failure) return void req.socket.destroy();
      send(200, { message: 'Annotation added', id: annotation.id });
    });
  }

  private find(params: URLSearchParams): StoredAnnotation[] {
    const tags = params.getAll('tags');
    const limit = Number(params.get('limit') ?? 100);
    return this.annotations
      .filter((annotation) => tags.every((tag) => annotation.tags.includes(tag)))
      .sort((a, b) => b.time - a.time)
      .slice(0, limit);
  }
}

function invalid(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'bad request data';
  const input = body as Record<string, unknown>;
  if (input.time !== undefined && typeof input.time !== 'number') return 'bad request data';
  if (input.tags !== undefined && (!Array.isArray(input.tags) || input.tags.some((tag) => typeof tag !== 'string')))
    return 'bad request data';
  if (typeof input.text !== 'string') return 'bad request data';
  return null;
}
