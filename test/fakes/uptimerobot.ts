import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received, as it arrived: method, path, headers and the parsed form body. */
export interface UtrRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  form: Record<string, string>;
}

export interface FakeMonitor {
  id: number;
  friendly_name: string;
  url: string;
  type: number;
  keyword_type?: number;
  keyword_value?: string;
  alert_contacts?: string;
}

export interface FakeAlertContact {
  id: string;
  friendly_name: string;
  type: number;
  value?: string;
}

/** What the next matching call answers instead of doing its work. */
export type UtrFailure =
  | { kind: 'http'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'stat'; error: { type: string; message?: string; parameter_name?: string; passed_value?: string } };

/**
 * A stateful UptimeRobot API v2 on 127.0.0.1: form-encoded POSTs to /<method>, `stat: ok|fail` answers,
 * monitors that persist between calls, `search` matching url or friendly name like the real one, and a
 * queue of failures to answer on command. Every request is recorded.
 */
export class FakeUptimeRobot {
  readonly requests: UtrRequest[] = [];
  readonly monitors = new Map<number, FakeMonitor>();
  alertContacts: FakeAlertContact[] = [];
  private nextId = 777_000_001;
  private failures: Array<{ method: string | null; failure: UtrFailure }> = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly apiKey: string,
  ) {}

  static async start(options: { apiKey: string; alertContacts?: FakeAlertContact[] }): Promise<FakeUptimeRobot> {
    let fake: FakeUptimeRobot | null = null;
    const server = http.createServer((req, res) => {
      void fake!.handle(req, res);
    });
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeUptimeRobot(server, `http://127.0.0.1:${port}`, options.apiKey);
    fake.alertContacts = options.alertContacts ?? [];
    return fake;
  }

  /** The next call (of `method`, or of any method) answers with this failure instead. */
  failNext(failure: UtrFailure, options: { method?: string; times?: number } = {}): void {
    for (let i = 0; i < (options.times ?? 1); i += 1) this.failures.push({ method: options.method ?? null, failure });
  }

  addMonitor(monitor: Omit<FakeMonitor, 'id'> & { id?: number }): FakeMonitor {
    const stored = { ...monitor, id: monitor.id ?? this.nextId++ };
    this.monitors.set(stored.id, stored);
    return stored;
  }

  /** Requests to one API method, in order. */
  calls(method: string): UtrRequest[] {
    return this.requests.filter((request) => request.path === `/${method}`);
  }

  /** Forget requests, monitors and pending failures (contacts stay). */
  reset(): void {
    this.requests.length = 0;
    this.monitors.clear();
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
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const form = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')
      ? Object.fromEntries(new URLSearchParams(raw))
      : {};
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, form });
    const method = path.replace(/^\//, '');

    const index = this.failures.findIndex((entry) => entry.method === null || entry.method === method);
    if (index >= 0) {
      const { failure } = this.failures.splice(index, 1)[0]!;
      if (failure.kind === 'http') {
        res.writeHead(failure.status, { 'Content-Type': 'text/plain', ...failure.headers });
        res.end(failure.body ?? 'Service Unavailable');
      } else {
        json(res, { stat: 'fail', error: failure.error });
      }
      return;
    }

    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    // The real API answers XML unless asked for JSON.
    if (form.format !== 'json') {
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<?xml version="1.0"?><monitors stat="ok"/>');
      return;
    }
    if (form.api_key !== this.apiKey) {
      json(res, {
        stat: 'fail',
        error: { type: 'invalid_parameter', parameter_name: 'api_key', passed_value: form.api_key ?? '' },
      });
      return;
    }
    json(res, this.answer(method, form));
  }

  private answer(method: string, form: Record<string, string>): unknown {
    switch (method) {
      case 'getMonitors': {
        const search = form.search?.toLowerCase();
        const monitors = [...this.monitors.values()].filter(
          (monitor) =>
            !search ||
            monitor.url.toLowerCase().includes(search) ||
            monitor.friendly_name.toLowerCase().includes(search),
        );
        return { stat: 'ok', pagination: { offset: 0, limit: 50, total: monitors.length }, monitors };
      }
      case 'getAlertContacts':
        return {
          stat: 'ok',
          offset: 0,
          limit: 50,
          total: this.alertContacts.length,
          alert_contacts: this.alertContacts,
        };
      case 'newMonitor': {
        for (const name of ['friendly_name', 'url', 'type']) {
          if (!form[name]) return fail('missing_parameter', `${name} parameter is missing.`, name);
        }
        if (form.type === '2' && (!form.keyword_type || !form.keyword_value)) {
          return fail(
            'missing_parameter',
            'keyword_type and keyword_value are required for keyword monitors.',
            'keyword_value',
          );
        }
        if (
          [...this.monitors.values()].some((monitor) => monitor.url === form.url && String(monitor.type) === form.type)
        ) {
          return fail('already_exists', 'monitor already exists.');
        }
        const monitor = this.addMonitor({
          friendly_name: form.friendly_name!,
          url: form.url!,
          type: Number(form.type),
          keyword_type: form.keyword_type ? Number(form.keyword_type) : undefined,
          keyword_value: form.keyword_value,
          alert_contacts: form.alert_contacts,
        });
        return { stat: 'ok', monitor: { id: monitor.id, status: 1 } };
      }
      case 'editMonitor': {
        const monitor = this.monitors.get(Number(form.id));
        if (!monitor) return fail('not_found', 'monitor not found.', 'id');
        // The real API cannot change a monitor's type; it keeps the one it has.
        if (form.friendly_name !== undefined) monitor.friendly_name = form.friendly_name;
        if (form.url !== undefined) monitor.url = form.url;
        if (form.keyword_type !== undefined) monitor.keyword_type = Number(form.keyword_type);
        if (form.keyword_value !== undefined) monitor.keyword_value = form.keyword_value;
        if (form.alert_contacts !== undefined) monitor.alert_contacts = form.alert_contacts;
        return { stat: 'ok', monitor: { id: monitor.id } };
      }
      case 'deleteMonitor': {
        const id = Number(form.id);
        if (!this.monitors.delete(id)) return fail('not_found', 'monitor not found.', 'id');
        return { stat: 'ok', monitor: { id } };
      }
      default:
        return fail('invalid_method', `no method ${method}.`);
    }
  }
}

function fail(type: string, message: string, parameterName?: string) {
  return { stat: 'fail', error: { type, message, ...(parameterName ? { parameter_name: parameterName } : {}) } };
}

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
