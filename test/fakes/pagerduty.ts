import { FakeServiceServer, type Answer, type Recorded } from './incident-server.js';

export interface FakeIncident {
  dedupKey: string;
  status: 'triggered' | 'resolved';
  severity: string;
  summary: string;
  /** Every trigger and resolve that reached it, in order. */
  actions: string[];
}

const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const invalid = (...errors: string[]): Answer => ({
  status: 400,
  body: { status: 'invalid event', message: 'Event object is invalid', errors },
});

/**
 * PagerDuty's Events API v2 on 127.0.0.1: `POST /v2/enqueue` (trigger, acknowledge, resolve by `dedup_key`)
 * and `POST /v2/change/enqueue`, each answering 202 `{"status":"success","message":"Event processed",
 * "dedup_key":…}`, and 400 `{"status":"invalid event",…,"errors":[…]}` as PagerDuty does for a wrong routing key,
 * a missing summary/source/severity, a summary over 1024 or a dedup key over 255 characters. A trigger for an open
 * incident's key joins it (PagerDuty deduplicates); a resolve of an unknown key is accepted and changes nothing.
 */
export class FakePagerDuty {
  readonly incidents = new Map<string, FakeIncident>();
  readonly changes: unknown[] = [];
  readonly server: FakeServiceServer;
  private seq = 0;

  constructor(readonly routingKey: string) {
    this.server = new FakeServiceServer((request) => this.handle(request));
  }

  static async start(routingKey: string): Promise<FakePagerDuty> {
    const fake = new FakePagerDuty(routingKey);
    await fake.server.start();
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private handle(request: Recorded): Answer {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (request.method !== 'POST') return { status: 404, body: { status: 'not found' } };
    if (typeof request.body !== 'object') return invalid('Event object is not JSON');
    if (body.routing_key !== this.routingKey) return invalid('Invalid routing key');
    const payload = (body.payload ?? {}) as Record<string, unknown>;
    if (request.path === '/v2/change/enqueue') {
      if (typeof payload.summary !== 'string' || payload.summary.length > 1024) return invalid('payload.summary');
      this.changes.push(body);
      return { status: 202, body: { status: 'success', message: 'Change event processed' } };
    }
    if (request.path !== '/v2/enqueue') return { status: 404, body: { status: 'not found' } };
    const action = body.event_action;
    const key = typeof body.dedup_key === 'string' ? body.dedup_key : `pd-${(this.seq += 1)}`;
    if (key.length > 255) return invalid('dedup_key is longer than 255 characters');
    if (action === 'trigger') {
      if (typeof payload.summary !== 'string' || payload.summary === '' || payload.summary.length > 1024)
        return invalid('payload.summary');
      if (typeof payload.source !== 'string' || payload.source === '') return invalid('payload.source');
      if (!SEVERITIES.includes(payload.severity as string)) return invalid('payload.severity');
      const open = this.incidents.get(key);
      if (open && open.status === 'triggered') {
        open.severity = payload.severity as string;
        open.actions.push('trigger');
      } else
        this.incidents.set(key, {
          dedupKey: key,
          status: 'triggered',
          severity: payload.severity as string,
          summary: payload.summary,
          actions: [...(open?.actions ?? []), 'trigger'],
        });
    } else if (action === 'resolve' || action === 'acknowledge') {
      if (typeof body.dedup_key !== 'string') return invalid('dedup_key is required');
      const open = this.incidents.get(key);
      if (open) {
        open.actions.push(action);
        if (action === 'resolve') open.status = 'resolved';
      }
    } else return invalid('event_action');
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
  }
}
