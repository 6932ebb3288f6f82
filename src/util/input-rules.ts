import { z } from 'zod';
import { HubError } from '../errors.js';
import { isWellFormed } from './text.js';

/**
 * The two rules every input of the hub passes, in one place so that every schema, query parameter, header
 * and cursor applies the same ones:
 *
 * - Storable text: PostgreSQL refuses `\u0000` in text and JSONB, and no UTF-8 (so neither PostgreSQL nor
 *   Slack) can carry an unpaired UTF-16 surrogate. Such text is refused with a 400 naming the field: changing
 *   it silently would store something the sender did not send. (Ingest's display text, a pipeline's message
 *   or stack trace, is the one deliberate exception: it is cleaned by the same rule so a deploy report always
 *   gets through; see src/events/schemas.ts.)
 * - Storable time: a time is taken only when PostgreSQL can store it and give the same instant back, years
 *   1 to 9999 (UTC). PostgreSQL's own range is wider (4713 BC to 294276 AD), but JavaScript writes years past
 *   9999 as `+275760-…`, which PostgreSQL does not read, and no deployment happened before year 1.
 *
 * Object keys from a client are never a prototype's name (`__proto__`, `constructor`, `toString`, …): a key
 * that is looked up in a plain object would find the prototype's member, and one assigned would replace it.
 */

const NUL = '\u0000';

/** Why a text cannot be stored, or null when it can. */
export function storableTextProblem(value: string): string | null {
  if (value.includes(NUL)) return 'must not contain NUL (\\u0000)';
  if (!isWellFormed(value)) return 'must not contain unpaired UTF-16 surrogates (such as \\ud800)';
  return null;
}

/** Names an object's own keys may not take: Object.prototype's members. */
export function isPrototypeKey(key: string): boolean {
  return key === '__proto__' || key in Object.prototype;
}

/** Why a key cannot be a client's field or record name, or null when it can. */
export function keyProblem(key: string): string | null {
  if (isPrototypeKey(key)) return 'is a reserved name';
  return storableTextProblem(key);
}

/** The first place in a JSON value holding text or a key that cannot be stored: [path, problem], or null. */
export function unstorableIn(value: unknown, path: string[] = []): [string[], string] | null {
  if (typeof value === 'string') {
    const problem = storableTextProblem(value);
    return problem ? [path, problem] : null;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = unstorableIn(value[index], [...path, String(index)]);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      const problem = keyProblem(key);
      if (problem) return [[...path, key], `the name ${problem}`];
      const found = unstorableIn((value as Record<string, unknown>)[key], [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** A 400 naming the field when anywhere in `value` holds unstorable text or a reserved key. */
export function assertStorable(value: unknown, field: string): void {
  const found = unstorableIn(value);
  if (!found) return;
  const name = [field, ...found[0]].filter((part) => part !== '').join('.') || '(body)';
  throw new HubError('HUB_ERR_VALIDATION', `${name} ${found[1]}`, [{ field: name, message: found[1] }]);
}

/** zod: text the hub can store (the one text rule). Chain `.min`/`.max`/`.regex` after it. */
export const storableText = () =>
  z.string().check((context) => {
    const problem = storableTextProblem(context.value);
    if (problem) context.issues.push({ code: 'custom', message: problem, input: context.value });
  });

/**
 * zod: a record whose keys are names a client may use and whose values are `value`. zod's record skips an own
 * `__proto__` key silently; here it is refused like the other prototype names, with a 400 naming it.
 */
export const storableRecord = <V extends z.ZodType>(value: V, key: z.ZodString = storableText()) =>
  z.preprocess(
    (input, context) => {
      if (typeof input === 'object' && input !== null && !Array.isArray(input))
        for (const name of Object.keys(input))
          if (isPrototypeKey(name)) context.addIssue({ code: 'custom', path: [name], message: 'is a reserved name' });
      return input;
    },
    z.record(key, value),
  );

const EARLIEST_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z');
export const STORABLE_TIME_RANGE = 'a time from year 1 to 9999';

/** Whether PostgreSQL can store the instant and give the same one back (the one time rule). */
export function isStorableTime(date: Date): boolean {
  const ms = date.getTime();
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS;
}

/** ISO 8601 (a date, or a date and time) as clients write it; JavaScript's looser forms ("1", "May 5") are not times. */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})([.,]\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const UNIX_SECONDS = /^\d{1,12}(?:\.\d{1,9})?$/;

/** Whether the fields name a real moment: `2026-02-30` or `25:61` roll over in JavaScript, PostgreSQL refuses them. */
function isCivilTime(fields: number[]): boolean {
  const [year, month, day, hour = 0, minute = 0, second = 0] = fields as [
    number,
    number,
    number,
    number?,
    number?,
    number?,
  ];
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  return (
    year >= 1 &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/**
 * A time from a query parameter: ISO 8601, or Unix seconds with an optional fraction (`1` is one second after
 * 1970 began). Null when it is neither, names no real moment (`2026-02-30`), or is not storable.
 */
export function parseStorableTime(value: string): Date | null {
  const text = value.trim();
  let date: Date;
  if (UNIX_SECONDS.test(text)) date = new Date(Number(text) * 1000);
  else {
    const match = ISO_TIME.exec(text);
    if (!match) return null;
    const fields = match
      .slice(1, 7)
      .filter((part) => part !== undefined)
      .map(Number);
    if (!isCivilTime(fields)) return null;
    const [, y, mo, d, h, mi, s, fraction, zone] = match;
    if (h === undefined) date = new Date(`${y}-${mo}-${d}T00:00:00Z`);
    else {
      const offset =
        !zone || /^z$/i.test(zone)
          ? zone
            ? 'Z'
            : ''
          : zone.length === 3
            ? `${zone}:00`
            : zone.length === 5
              ? `${zone.slice(0, 3)}:${zone.slice(3)}`
              : zone;
      date = new Date(
        `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${(fraction ?? '').replace(',', '.').slice(0, 4)}${offset}`,
      );
    }
  }
  return isStorableTime(date) ? date : null;
}

/** zod: a time query parameter (ISO 8601 or Unix seconds, storable), parsed to a Date. */
export const storableTime = () =>
  z.string().transform((value, context) => {
    const date = parseStorableTime(value);
    if (date) return date;
    context.addIssue({ code: 'custom', message: `an ISO 8601 time or Unix seconds, ${STORABLE_TIME_RANGE}` });
    return z.NEVER;
  });

/**
 * A time PostgreSQL printed (a cursor's position: `2026-12-07 10:00:00.123456+00`), checked field by field so a
 * crafted cursor is a 400 and never reaches the database as `99:99:99`. The text is kept as written (microseconds).
 */
const POSTGRES_PRINTED = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
export function isPostgresTimeText(value: string): boolean {
  const match = POSTGRES_PRINTED.exec(value);
  if (!match) return false;
  const offset = match[8] ? /^[+-](\d{2}):?(\d{2})?$/.exec(match[8]) : null;
  if (offset && (Number(offset[1]) > 15 || Number(offset[2] ?? 0) > 59)) return false;
  return isCivilTime(match.slice(1, 7).map(Number));
}

/** zod: an RFC 3339 time with its offset, as JSON bodies carry times, that is also a storable time. */
export const storableIsoTime = (message = 'an ISO 8601 time with offset (2026-12-07T14:00:00Z)') =>
  z.iso.datetime({ offset: true, message }).refine((value) => {
    // Text that is no time at all has its one message already (zod runs every check).
    const date = new Date(value);
    return Number.isNaN(date.getTime()) || isStorableTime(date);
  }, `${message}, ${STORABLE_TIME_RANGE}`);

/** A 400 for a query parameter that is not a storable time (the routes that parse by hand). */
export function timeParameter(value: unknown, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = typeof value === 'string' ? parseStorableTime(value) : null;
  if (date) return date;
  throw new HubError(
    'HUB_ERR_BAD_PARAMETER',
    `${field} must be an ISO 8601 time or Unix seconds, ${STORABLE_TIME_RANGE}`,
    [{ field, message: 'invalid time' }],
  );
}
