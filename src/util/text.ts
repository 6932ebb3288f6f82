/**
 * Text the hub can store and forward. PostgreSQL refuses `\u0000` in text and JSONB and any unpaired
 * UTF-16 surrogate (`\ud800`) in JSONB (no UTF-8 can encode it), and Slack shows control characters as
 * garbage. So: identifiers (names, clusters, channels, URLs) holding one are refused, display text
 * (messages, stack traces, descriptions) is cleaned, and every JSON value written to PostgreSQL passes
 * `postgresJson`, the last guard for what nobody validated (unknown keys of a raw body, a module's result).
 */

/** C0 and C1 controls and DEL. Tab, line feed and carriage return are matched too: identifiers have none. */
// eslint-disable-next-line no-control-regex -- finding control characters is what it is for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** What display text loses: every control but tab and line feed (a carriage return is dropped, CRLF becomes LF). */
// eslint-disable-next-line no-control-regex -- finding control characters is what it is for
const DISPLAY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** An unpaired surrogate (matched on UTF-16 code units: no `u` flag). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** Unpaired surrogates replaced by U+FFFD, as String.prototype.toWellFormed (ES2024) does. */
export function toWellFormed(value: string): string {
  return isWellFormed(value) ? value : value.replace(LONE_SURROGATES, '\ufffd');
}

/** Why a string cannot be an identifier, or null when it can. */
export function identifierProblem(value: string): string | null {
  if (!isWellFormed(value)) return 'must not contain unpaired UTF-16 surrogates (such as \\ud800)';
  if (CONTROL.test(value)) return 'must not contain control characters (such as \\u0000, tab or newline)';
  return null;
}

/** Display text made safe to store and post: unpaired surrogates become U+FFFD, controls but tab and newline go. */
export function cleanDisplayText(value: string): string {
  return toWellFormed(value).replace(/\r\n?/g, '\n').replace(DISPLAY_CONTROL, '');
}

/** The first line of a text, cut to `max` characters. */
export function firstLine(value: string, max = 300): string {
  const line = value.split('\n', 1)[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const CUT_MARK = '…(truncated)';

/**
 * The text within `max` UTF-16 units: kept whole when it fits, else its start (or end) with CUT_MARK where
 * the rest was, never splitting a surrogate pair.
 */
export function fitText(value: string, max: number, keep: 'start' | 'end' = 'start'): string {
  if (value.length <= max) return value;
  const room = Math.max(0, max - CUT_MARK.length);
  if (keep === 'start') {
    const end = isHighSurrogate(value.charCodeAt(room - 1)) ? room - 1 : room;
    return `${value.slice(0, end)}${CUT_MARK}`;
  }
  const start = value.length - room;
  return `${CUT_MARK}${value.slice(isHighSurrogate(value.charCodeAt(start - 1)) ? start + 1 : start)}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Whether a query or path value holds something no route can use (a NUL, a control, an unpaired surrogate). */
export function isUnsafeParameter(value: string): boolean {
  return !isWellFormed(value) || CONTROL.test(value);
}

/**
 * JSON text PostgreSQL's JSONB accepts, for any value: JSON.stringify writes NULs and unpaired surrogates
 * as `\u0000` and `\udXXX` escapes (a paired one is written as the character itself), and both become
 * U+FFFD. An escape is one only after an odd number of backslashes (`\\u0000` is a backslash and text).
 */
export function postgresJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined || !text.includes('\\u')) return text;
  return text.replace(/(\\+)u(0000|d[89a-f][0-9a-f]{2})/gi, (match, slashes: string) =>
    slashes.length % 2 === 1 ? `${slashes}ufffd` : match,
  );
}

/**
 * The value as JSONB gives it back once stored through postgresJson: NULs and unpaired surrogates as U+FFFD. The
 * same object when nothing changes, which is almost always (JSON.stringify writes `\u` escapes only for them and
 * other controls).
 */
export function asStoredJson<T>(value: T): T {
  const text = JSON.stringify(value);
  if (text === undefined || !text.includes('\\u')) return value;
  const stored = postgresJson(value);
  return stored === text ? value : (JSON.parse(stored) as T);
}

/** A text column's value without what PostgreSQL's text type refuses (NUL) or cannot encode. */
export function postgresText(value: string | null): string | null {
  if (value === null) return null;
  return toWellFormed(value).replaceAll('\u0000', '\ufffd');
}
