import http from 'node:http';
import type { Application } from 'express';
import { startTestHub, type TestHub } from '../support/hub.js';

/**
 * The OpenAPI document declares every input a route reads. The app's request prototype is given recording views
 * of `req.query`, `req.body` and `req.headers` (the handlers, validators and helpers read through them); every
 * documented route is then driven, signed in and with a body its schema accepts, and each name it read is looked
 * up in its document. A route that reads `?cursor` or a form field it does not declare fails here, by name.
 */
const ADMIN_TOKEN = 'admin-token-for-input-coverage';

/**
 * HTTP's own headers: read by the server, the body parsers, caching, the request id and the credential checks on
 * every route. The document describes those through its security schemes and media types; it declares the
 * headers a route itself gives meaning to (Idempotency-Key, Last-Event-ID, X-GitHub-Event, ce-*).
 */
const PROTOCOL_HEADERS = new Set([
  'host',
  'connection',
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'authorization',
  'cookie',
  'origin',
  'referer',
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'if-none-match',
  'if-modified-since',
  'cache-control',
  'x-request-id',
  'x-forwarded-proto',
  'x-forwarded-for',
  'x-forwarded-host',
  'forwarded',
  'sec-fetch-mode',
  'expect',
  'upgrade',
]);
/** Names JavaScript itself looks up on any object (JSON.stringify's toJSON, await's then), never an input. */
const LANGUAGE_LOOKUPS = new Set(['toJSON', 'then', 'constructor', 'length', 'nodeType', 'asymmetricMatch']);

type Kind = 'query' | 'body' | 'header';
type Reads = Record<Kind, Set<string>>;

/** Every read of a string key goes to the request being driven (requests go one at a time). */
let current: Reads | null = null;
/**
 * A route documented without a body is sent none, and its `req.body` reads as an empty object: a handler that
 * reads a form field or JSON key anyway is seen doing it.
 */
let bodyless = false;

function recording<T extends object>(target: T, kind: Kind): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === 'string' && current) current[kind].add(kind === 'header' ? key.toLowerCase() : key);
      return Reflect.get(object, key, receiver) as unknown;
    },
  });
}

/** Recording views on this app's requests only (express gives each request the app's prototype). */
function recordReads(app: Application): void {
  const proto = (app as Application & { request: object }).request;
  const parent = Object.getPrototypeOf(proto) as object;
  const queryDescriptor = Object.getOwnPropertyDescriptor(parent, 'query')!;
  const headers = Object.getOwnPropertyDescriptor(http.IncomingMessage.prototype, 'headers')!;
  const queries = new WeakMap<object, object>();
  const bodies = new WeakMap<object, unknown>();
  Object.defineProperty(proto, 'query', {
    configurable: true,
    get(this: object) {
      if (!queries.has(this)) queries.set(this, recording(queryDescriptor.get!.call(this) as object, 'query'));
      return queries.get(this);
    },
  });
  Object.defineProperty(proto, 'body', {
    configurable: true,
    get(this: object) {
      const body = bodies.get(this) ?? (bodyless ? {} : undefined);
      return typeof body === 'object' && body !== null ? recording(body, 'body') : body;
    },
    set(this: object, value: unknown) {
      bodies.set(this, value);
    },
  });
  Object.defineProperty(proto, 'headers', {
    configurable: true,
    get(this: object) {
      return recording(headers.get!.call(this) as object, 'header');
    },
    set(this: object, value: unknown) {
      headers.set!.call(this, value);
    },
  });
}

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  minLength?: number;
  pattern?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}
interface Parameter {
  name: string;
  in: string;
}
interface OperationDoc {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** The smallest value the schema accepts, so the request reaches the handler behind the validation. */
function sample(schema: Schema | undefined): unknown {
  if (!schema) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum.find((value) => value !== null) ?? null;
  const option = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].find((candidate) => candidate.type !== 'null');
  if (option) return sample(option);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'string') return schema.pattern ? 'run-1' : 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  if (type === 'integer' || type === 'number') return Math.max(schema.minimum ?? 1, 1);
  if (type === 'boolean') return true;
  if (type === 'array') return [];
  if (type === 'object')
    return Object.fromEntries((schema.required ?? []).map((name) => [name, sample(schema.properties?.[name])]));
  return 'x';
}

describe('the OpenAPI document declares every input a route reads', () => {
  let hub: TestHub;
  let document: { paths: Record<string, Record<string, OperationDoc>> };
  let cookie = '';
  let csrf = '';
  const values: Record<string, string> = {};

  beforeAll(async () => {
    hub = await startTestHub({ env: { ADMIN_TOKEN } });
    recordReads(hub.hub.app!);
    document = (await (await fetch(`${hub.url}/api/v1/openapi.json`)).json()) as typeof document;
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    await fetch(`${hub.url}/api/v1/checks/nightly-backup`, { method: 'PUT', headers: admin, body: '{}' });
    await fetch(`${hub.url}/api/v1/checks/nightly-backup/runs`, {
      method: 'POST',
      headers: admin,
      body: '{"runId":"run-1"}',
    });
    const event = (await (
      await fetch(`${hub.url}/api/v1/deployment`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify({ applicationName: 'app', cluster: 'active', team: 'team' }),
      })
    ).json()) as { id: string };
    const inspections = (await (await fetch(`${hub.url}/api/v1/inspections`, { headers: admin })).json()) as {
      inspections: Array<{ id: string }>;
    };
    const schedules = (await (await fetch(`${hub.url}/api/v1/schedules`, { headers: admin })).json()) as {
      schedules: Array<{ id: string }>;
    };
    Object.assign(values, {
      id: event.id,
      name: 'webhook',
      runId: 'run-1',
      type: 'deployment',
      application: 'app',
      team: 'team',
      inspection: inspections.inspections[0]!.id,
      schedule: schedules.schedules[0]!.id,
    });
    // A session and its CSRF token, so the page's actions reach their handlers.
    const form = await fetch(`${hub.url}/sign-in`);
    const csrfCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]!);
    csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const signedIn = await fetch(`${hub.url}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: csrfCookie.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token: ADMIN_TOKEN }).toString(),
    });
    expect(signedIn.status).toBe(303);
    cookie = [...csrfCookie, ...signedIn.headers.getSetCookie().map((c) => c.split(';')[0]!)].join('; ');
  });
  afterAll(async () => {
    await hub?.stop();
  });

  function pathOf(path: string): string {
    return path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      if (name === 'id' && path.includes('/inspections/')) return values.inspection!;
      if (name === 'id' && path.includes('/schedules/')) return values.schedule!;
      if (name === 'name' && path.includes('/inspections/')) return 'timeoutMs';
      if (name === 'name' && path.includes('/checks/')) return 'nightly-backup';
      if (name === 'name' && path.includes('/loggers/')) return 'root';
      return encodeURIComponent(values[name] ?? 'x');
    });
  }

  it('finds no route reading a query parameter, body field or header its document does not declare', async () => {
    const undeclared: string[] = [];
    let driven = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        // Shutting the hub down would end the test; its body (a reason) is validated by its schema like the others.
        if (path === '/api/v1/admin/shutdown' || path === '/sign-out') continue;
        const declared: Reads = { query: new Set(), body: new Set(), header: new Set() };
        for (const parameter of operation.parameters ?? []) {
          if (parameter.in === 'query') declared.query.add(parameter.name);
          if (parameter.in === 'header') declared.header.add(parameter.name.toLowerCase());
        }
        const content = Object.entries(operation.requestBody?.content ?? {});
        // A body that is one of several shapes declares the fields of each.
        for (const [, { schema }] of content)
          for (const shape of [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])])
            for (const name of Object.keys(shape.properties ?? {})) declared.body.add(name);
        const [type, body] = content[0] ?? [];
        const payload = body ? sample(body.schema) : undefined;
        const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}`, cookie };
        let text: string | undefined;
        if (type === 'application/x-www-form-urlencoded') {
          headers['content-type'] = type;
          const fields = { ...(payload as Record<string, string>), _csrf: csrf };
          text = new URLSearchParams(fields).toString();
        } else if (type) {
          headers['content-type'] = type.includes('json') ? type : 'application/json';
          text = JSON.stringify(payload ?? {});
        }
        current = { query: new Set(), body: new Set(), header: new Set() };
        bodyless = text === undefined;
        const res = await fetch(`${hub.url}${pathOf(path)}`, {
          method: method.toUpperCase(),
          headers,
          redirect: 'manual',
          ...(text !== undefined ? { body: text } : {}),
        });
        if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.body?.cancel();
        else await res.text();
        const reads = current;
        current = null;
        driven += 1;
        for (const kind of ['query', 'body', 'header'] as Kind[]) {
          for (const name of reads[kind]) {
            if (declared[kind].has(name) || LANGUAGE_LOOKUPS.has(name)) continue;
            if (kind === 'header' && PROTOCOL_HEADERS.has(name)) continue;
            undeclared.push(`${method.toUpperCase()} ${path} (answered ${res.status}) reads ${kind} "${name}"`);
          }
        }
      }
    }
    expect(driven).toBeGreaterThan(60);
    expect(undeclared).toEqual([]);
  });
});
