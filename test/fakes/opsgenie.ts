import { randomUUID } from 'node:crypto';
import { FakeServiceServer, type Answer, type Recorded } from './incident-server.js';

export interface FakeAlert {
  alias: string;
  status: 'open' | 'closed';
  message: string;
  priority: string;
  /** How many creates collapsed onto it (Opsgenie's count). */
  count: number;
  notes: string[];
}

/**
 * Opsgenie's Alert API v2 on 127.0.0.1 (`Authorization: GenieKey <key>`, else 401 "Could not authenticate"):
 * `POST /v2/alerts` (message up to 130 characters, required; alias up to 512: a create with the alias of an open
 * alert only counts up), `POST /v2/alerts/{id}/close` and `/notes` with `?identifierType=alias|id`. Every accepted
 * request answers 202 `{"result":"Request will be processed","took":…,"requestId":…}`, as Opsgenie does before
 * processing; a bad field is a 422 naming it.
 */
export class FakeOpsgenie {
  readonly alerts: FakeAlert[] = [];
  readonly server: FakeServiceServer;

  constructor(readonly apiKey: string) {
    this.server = new FakeServiceServer((request) => this.handle(request));
  }

  static async start(apiKey: string): Promise<FakeOpsgenie> {
    const fake = new FakeOpsgenie(apiKey);
    await fake.server.start();
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  open(alias: string): FakeAlert | undefined {
    return this.alerts.find((alert) => alert.alias === alias && alert.status === 'open');
  }

  private handle(request: Recorded): Answer {
    const requestId = randomUUID();
    const accepted: Answer = { status: 202, body: { result: 'Request will be processed', took: 0.01, requestId } };
    const refuse = (status: number, message: string): Answer => ({ status, body: { message, took: 0, requestId } });
    if (request.headers.authorization !== `GenieKey ${this.apiKey}`) return refuse(401, 'Could not authenticate');
    if (request.method !== 'POST') return refuse(404, 'Not found');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const url = new URL(request.path, 'http://fake');
    if (url.pathname === '/v2/alerts') {
      const message = body.message;
      if (typeof message !== 'string' || message === '') return refuse(422, 'Message can not be empty.');
      if (message.length > 130) return refuse(422, 'Message can not be longer than 130 characters.');
      const alias = typeof body.alias === 'string' ? body.alias : requestId;
      if (alias.length > 512) return refuse(422, 'Alias can not be longer than 512 characters.');
      const open = this.open(alias);
      if (open) open.count += 1;
      else
        this.alerts.push({
          alias,
          status: 'open',
          message,
          priority: typeof body.priority === 'string' ? body.priority : 'P3',
          count: 1,
          notes: [],
        });
      return accepted;
    }
    const match = /^\/v2\/alerts\/([^/]+)\/(close|notes)$/.exec(url.pathname);
    if (!match) return refuse(404, 'Not found');
    const identifierType = url.searchParams.get('identifierType') ?? 'id';
    if (!['id', 'alias', 'tiny'].includes(identifierType)) return refuse(422, 'identifierType is invalid');
    // Processed later, as Opsgenie does: an unknown identifier is still 202 (the request's status says "failed").
    const alert = identifierType === 'alias' ? this.open(decodeURIComponent(match[1]!)) : undefined;
    if (match[2] === 'close') {
      if (alert) alert.status = 'closed';
    } else {
      if (typeof body.note !== 'string' || body.note === '') return refuse(422, 'Note can not be empty.');
      alert?.notes.push(body.note);
    }
    return accepted;
  }
}
