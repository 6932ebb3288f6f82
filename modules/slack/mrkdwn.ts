import { isHttpUrl } from '../../src/module-api.js';

/** Shown wherever Slack's limits made us cut: readers must know there was more. */
export const TRUNCATED_NOTE = '…(truncated)';

/**
 * Slack reads `&`, `<` and `>` as control characters (`<!channel>` pings, `<url|text>` links); everything
 * that came from a payload goes through here so it can only ever be shown, never interpreted.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `<url|label>` for http(s) URLs; anything else is shown as escaped text, so a payload cannot smuggle in
 * `<!here>` or a `javascript:` link through a URL field. `|` would end the URL early, so it is encoded.
 */
export function link(url: string, label: string): string {
  if (!isHttpUrl(url)) return escapeText(url);
  const href = escapeText(new URL(url).href).replace(/\|/g, '%7C');
  return `<${href}|${escapeText(label)}>`;
}

/** Bold, line by line: Slack's `*…*` does not span line breaks. Input must already be escaped. */
export function boldLines(escaped: string): string {
  return escaped
    .split('\n')
    .map((line) => (line.trim() === '' ? line : `*${line.trim()}*`))
    .join('\n');
}

/** A fenced code block; a fence inside the content would close it early, so it is broken with zero-width spaces. */
export function codeBlock(escaped: string, max: number): string {
  const body = escaped.replace(/```/g, '`\u200b`\u200b`');
  const whole = '```\n' + body + '\n```';
  if (whole.length <= max) return whole;
  const room = max - '```\n'.length - '\n```'.length - `\n${TRUNCATED_NOTE}`.length;
  return '```\n' + cutSafely(body, room) + '\n```' + `\n${TRUNCATED_NOTE}`;
}

/** At most `max` characters; when cut, ends with the visible note. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return cutSafely(text, max - TRUNCATED_NOTE.length) + TRUNCATED_NOTE;
}

/**
 * A prefix of at most `max` characters that does not end inside something Slack would misread: half of a
 * surrogate pair, a half entity (`&am`), or one of our own `<url|label>` links left open.
 */
export function cutSafely(text: string, max: number): string {
  let cut = text.slice(0, Math.max(0, max));
  const lastCode = cut.charCodeAt(cut.length - 1);
  if (lastCode >= 0xd800 && lastCode <= 0xdbff) cut = cut.slice(0, -1);
  cut = cut.replace(/&[a-z#0-9]{0,6}$/i, '');
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  return cut;
}
