import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { storableIsoTime } from '../../util/input-rules.js';
import { HubError, type FieldProblem } from '../../errors.js';

/** A CloudEvent 1.0 as read from HTTP, whichever content mode carried it. */
export interface CloudEvent {
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data: unknown;
  /** Extension attributes, as sent. */
  extensions: Record<string, string | number | boolean>;
}

export type ContentMode = 'structured' | 'binary' | 'batch';

/**
 * The extension attribute the hub's own CloudEvents carry (its event id), so that a hub sent its own event back
 * (a sink that fans out to every listener, the hub among them) drops it instead of deploying it again, forever.
 */
export const OWN_EVENT_EXTENSION = 'alvaresevent';

export const STRUCTURED = 'application/cloudevents+json';
export const BATCH = 'application/cloudevents-batch+json';
/** A batch this long fits well inside the 1 MiB body limit; longer ones are split by the sender. */
export const MAX_BATCH = 100;

const CONTEXT = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema']);
// CloudEvents 1.0: attribute names are lower-case letters and digits (20 at most is a SHOULD; not enforced).
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

const attributes = z.object({
  id: z.string().min(1, 'required').max(1024),
  source: z.string().min(1, 'required').max(2048),
  type: z.string().min(1, 'required').max(256),
  subject: z.string().min(1).max(2048).optional(),
  time: storableIsoTime('expected an RFC 3339 time').optional(),
  datacontenttype: z.string().min(1).max(256).optional(),
  dataschema: z.string().min(1).max(2048).optional(),
});

/**
 * Reads the CloudEvents of a request per the CloudEvents HTTP binding 1.0: structured mode
 * (`application/cloudevents+json`, the whole event as JSON), batched mode (`application/cloudevents-batch+json`,
 * a JSON array of structured events) and binary mode (any other JSON content type: attributes in `ce-*` headers,
 * the body is the data). `contentType` is the request's media type; `body` the JSON express parsed. Throws a 400
 * naming the attribute (`specversion`, `ce-id`, `[3].type`) for anything that is not a CloudEvent 1.0 with JSON data.
 */
export function readCloudEvents(
  contentType: string,
  headers: IncomingHttpHeaders,
  body: unknown,
): { mode: ContentMode; events: CloudEvent[] } {
  if (contentType === BATCH) {
    if (!Array.isArray(body)) throw invalid([{ field: '(body)', message: 'a batch is a JSON array of CloudEvents' }]);
    if (body.length === 0) throw invalid([{ field: '(body)', message: 'the batch is empty' }]);
    if (body.length > MAX_BATCH)
      throw invalid([{ field: '(body)', message: `at most ${MAX_BATCH} CloudEvents in one batch` }]);
    return { mode: 'batch', events: body.map((item, index) => structured(item, `[${index}].`)) };
  }
  if (contentType === STRUCTURED) return { mode: 'structured', events: [structured(body, '')] };
  return { mode: 'binary', events: [binary(headers, body)] };
}

function structured(item: unknown, prefix: string): CloudEvent {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw invalid([
      { field: prefix ? prefix.slice(0, -1) : '(body)', message: 'expected a CloudEvent (a JSON object)' },
    ]);
  const record = item as Record<string, unknown>;
  checkSpecVersion(record.specversion, `${prefix}specversion`);
  if (record.data_base64 !== undefined)
    throw invalid([{ field: `${prefix}data_base64`, message: 'the hub reads JSON data only; send it as "data"' }]);
  const parsed = attributes.safeParse(record);
  if (!parsed.success) throw invalid(problems(parsed.error, (name) => `${prefix}${name}`));
  checkDataContentType(parsed.data.datacontenttype, `${prefix}datacontenttype`);
  const extensions: CloudEvent['extensions'] = {};
  for (const [name, value] of Object.entries(record)) {
    if (CONTEXT.has(name) || name === 'data') continue;
    if (!ATTRIBUTE_NAME.test(name))
      throw invalid([{ field: `${prefix}${name}`, message: 'attribute names are lower-case letters and digits' }]);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw invalid([{ field: `${prefix}${name}`, message: 'an extension attribute is a string, number or boolean' }]);
    extensions[name] = value;
  }
  return { ...parsed.data, data: record.data, extensions };
}

function binary(headers: IncomingHttpHeaders, body: unknown): CloudEvent {
  const ce: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    try {
      // The binding percent-encodes header values (UTF-8) that are not printable ASCII.
      ce[name.slice(3)] = decodeURIComponent(text);
    } catch {
      throw invalid([{ field: name, message: 'not a percent-encoded UTF-8 value' }]);
    }
  }
  if (ce.specversion === undefined)
    throw invalid([
      {
        field: 'ce-specversion',
        message: `binary mode needs ce-specversion, ce-id, ce-source and ce-type headers; or send the event as ${STRUCTURED}`,
      },
    ]);
  checkSpecVersion(ce.specversion, 'ce-specversion');
  const parsed = attributes.safeParse(ce);
  if (!parsed.success) throw invalid(problems(parsed.error, (name) => `ce-${name}`));
  const extensions: CloudEvent['extensions'] = {};
  for (const [name, value] of Object.entries(ce)) if (!CONTEXT.has(name)) extensions[name] = value;
  return { ...parsed.data, data: body, extensions };
}

function checkSpecVersion(value: unknown, field: string): void {
  if (value === undefined) throw invalid([{ field, message: 'required' }]);
  if (value !== '1.0')
    throw invalid([
      {
        field,
        message: `unsupported CloudEvents specversion ${JSON.stringify(value)}; this hub reads 1.0`,
      },
    ]);
}

/** Structured mode: the data must be JSON for the hub to read it (absent means JSON). */
function checkDataContentType(value: string | undefined, field: string): void {
  if (value === undefined) return;
  const media = value.split(';', 1)[0]!.trim().toLowerCase();
  if (media === 'application/json' || /^[a-z0-9.+-]+\/[a-z0-9.-]+\+json$/.test(media)) return;
  throw new HubError('HUB_ERR_UNSUPPORTED_MEDIA_TYPE', `${field} ${value} is not JSON; CDEvents are JSON`, [
    { field, message: 'expected application/json' },
  ]);
}

function problems(
  error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> },
  name: (attribute: string) => string,
): FieldProblem[] {
  return error.issues.map((issue) => ({ field: name(issue.path.map(String).join('.')), message: issue.message }));
}

function invalid(fields: FieldProblem[]): HubError {
  const names = [...new Set(fields.map((field) => field.field))].join(', ');
  return new HubError('HUB_ERR_VALIDATION', `not a CloudEvent 1.0: ${names}`, fields);
}
