import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received: method, path, headers and the body (parsed JSON when it was JSON). */
export interface DetectifyRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeProfile {
  token: string;
  name: string;
  endpoint: string;
  created: string;
  /** The scan state the status endpoint reports: stopped, starting, running, stopping. */
  state: string;
  /** Detectify refuses (423) to scan a domain whose ownership was never verified. */
  domainVerified: boolean;
}

/** ok: a working key; revoked: answers 401; no-access: answers 403. */
export type KeyAccess = 'ok' | 'revoked' | 'no-access';

interface FakeKey {
  access: KeyAccess;
  profiles: Map<string, FakeProfile>;
}

interface Failure {
  method: string | null;
  path: string | RegExp | null;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * A stateful Detectify API v2 on 127.0.0.1: keys (header X-Detectify-Key) each seeing their own scan
 * profiles, scan states that a started scan changes, the documented status codes (400 malformed token,
 * 401, 403, 404, 409 already running, 423 unverified domain), and failures answered on command.
 * Every request is recorded.
 */
export class FakeDetectify {
  readonly requests: DetectifyRequest[] = [];
  private readonly keys = new Map<string, FakeKey>();
  private failures: Failure[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeDetectify> {
    let fake: FakeDetectify | null = null;
    const server = http.createServer((req, res) => {
      void fake!.handle(req, res);
    });
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeDetectify(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  /** A key and the profiles it can see; profiles default to a verified domain with no scan running. */
  addKey(key: string, profiles: Array<Partial<FakeProfile> & { token: string }> = [], access: KeyAccess = 'ok'): void {
    const map = new Map<string, FakeProfile>();
    for (const profile of profiles) {
      map.set(profile.token, {
        name: profile.token,
        endpoint: `${profile.token}.example.test`,
        created: '2026-01-01T00:00:00Z',
        state: 'stopped',
        domainVerified: true,
        ...profile,
      });
    }
    this.keys.set(key, { access, profiles: map });
  }

  setAccess(key: string, access: KeyAccess): void {
    this.keys.get(key)!.access = access;
  }

  /** The state of a profile's scan, as the status endpoint would report it (first key holding it). */
  stateOf(token: string): string | undefined {
    for (const key of this.keys.values()) {
      const profile = key.profiles.get(token);
      if (profile) return profile.state;
    }
    return undefined;
  }

  setState(token: string, state: string): void {
    for (const key of this.keys.values()) {
      const profile = key.profiles.get(token);
      if (profile) profile.state = state;
    }
  }

  /** The next matching request(s) answer `status` instead of doing their work. */
  failNext(
    status: number,
    options: {
      method?: string;
      path?: string | RegExp;
      body?: unknown;
      headers?: Record<string, string>;
      times?: number;
    } = {},
  ): void {
    for (let i = 0; i < (options.times ?? 1); i += 1) {
      this.failures.push({
        method: options.method ?? null,
        path: options.path ?? null,
        status,
        body: options.body ?? { error: { code: status, message: 'fake failure' } },
        headers: options.headers ?? {},
      });
    }
  }

  /** "GET /profiles/" style lines, to assert the order of calls. */
  calls(): string[] {
    return this.requests.map((request) => `${request.method} ${request.path}`);
  }

  /** Forget requests, keys and pending failures. */
  reset(): void {
    this.requests.length = 0;
    this.keys.clear();
    this.failures = [];
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw === '' ? undefined : raw;
    if ((req.headers['content-type'] ?? '').includes('json') && raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        // Recorded as sent.
      }
    }
    const method = req.method ?? '';
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    this.requests.push({ method, path, headers: req.headers, body });

    const index = this.failures.findIndex(
      (failure) =>
        (failure.method === null || failure.method === method) &&
        (failure.path === null || (typeof failure.path === 'string' ? failure.path === path : failure.path.test(path))),
    );
    if (index >= 0) {
      const failure = this.failures.splice(index, 1)[0]!;
      send(res, failure.status, failure.body, failure.headers);
      return;
    }

    const keyHeader = req.headers['x-detectify-key'];
    const key = typeof keyHeader === 'string' ? this.keys.get(keyHeader) : undefined;
    if (!key || key.access === 'revoked') return send(res, 401, { error: { code: 401, message: 'Unauthorized' } });
    if (key.access === 'no-access') return send(res, 403, { error: { code: 403, message: 'Forbidden' } });

    if (path === '/profiles/' && method === 'GET') {
      return send(
        res,
        200,
        [...key.profiles.values()].map(({ token, name, endpoint, created }) => ({ token, name, endpoint, created })),
      );
    }
    const scan = /^\/scans\/([^/]*)\/$/.exec(path);
    if (!scan) return send(res, 404, { error: { code: 404, message: 'Not found' } });
    const token = decodeURIComponent(scan[1]!);
    if (!/^[A-Za-z0-9]+$/.test(token)) return send(res, 400, { error: { code: 400, message: 'Bad request' } });
    const profile = key.profiles.get(token);
    if (!profile) return send(res, 404, { error: { code: 404, message: 'Not found' } });

    if (method === 'GET') return send(res, 200, { scan_profile_token: token, state: profile.state });
    if (method === 'POST') {
      if (!profile.domainVerified) return send(res, 423, { error: { code: 423, message: 'Locked' } });
      if (profile.state !== 'stopped') return send(res, 409, { error: { code: 409, message: 'Conflict' } });
      profile.state = 'running';
      return send(res, 202, { scan_profile_token: token, state: 'starting' });
    }
    res.writeHead(405, { Allow: 'GET, POST' }).end();
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}
