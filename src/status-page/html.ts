/**
 * The page's one escaping rule: `html` escapes every value put into it, unless that value is itself made by
 * `html` (a fragment already safe). Payload strings (application names, messages, errors) therefore never
 * reach the page as markup, whichever view prints them; there is no second helper to forget.
 */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (char) => ENTITIES[char]!);
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, index) => {
    out += render(value) + strings[index + 1]!;
  });
  return new SafeHtml(out);
}

/**
 * A time for people: the date and time, with how long ago in brackets. Rendered in UTC; the page's script
 * rewrites it in the browser's own time zone and keeps the relative part ticking from `datetime`.
 */
export function time(iso: string | null | undefined, never = 'never'): SafeHtml {
  if (!iso) return html`<span class="muted">${never}</span>`;
  return html`<time datetime="${iso}" title="${iso}">${stamp(iso)} (${ago(iso)})</time>`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "06:34 UTC" today, "7 Dec 06:34 UTC" before. */
export function stamp(iso: string, now = Date.now()): string {
  const date = new Date(iso);
  const clock = `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')} UTC`;
  const today = new Date(now).toISOString().slice(0, 10) === date.toISOString().slice(0, 10);
  return today ? clock : `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${clock}`;
}

/** "12 s ago", "4 min ago", "3 h ago", "2 d ago": ages at render time (the script refreshes them). */
export function ago(iso: string, now = Date.now()): string {
  const ms = now - Date.parse(iso);
  const seconds = Math.round(Math.abs(ms) / 1000);
  const span =
    seconds < 60
      ? `${seconds} s`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)} min`
        : seconds < 86_400
          ? `${Math.floor(seconds / 3600)} h`
          : `${Math.floor(seconds / 86_400)} d`;
  // A time still to come (a silence's end, a window's next opening) is "in 3 h", not "0 s ago".
  return ms < -1000 ? `in ${span}` : `${span} ago`;
}

/** A length of time in words: "850 ms", "12 s", "5 min 38 s", "2 h 5 min", "3 d 4 h". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small > 0 ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
  if (seconds < 3600) return pair(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  if (seconds < 86_400) return pair(Math.floor(seconds / 3600), 'h', Math.floor((seconds % 3600) / 60), 'min');
  return pair(Math.floor(seconds / 86_400), 'd', Math.floor((seconds % 86_400) / 3600), 'h');
}

/** An elapsed time with a spinner: for what is running now. */
export function running(sinceIso: string): SafeHtml {
  const ms = Math.max(0, Date.now() - Date.parse(sinceIso));
  return html`<span class="spinner" aria-hidden="true"></span>
    <span class="elapsed" data-since="${sinceIso}">${duration(ms)}</span>`;
}

/** JSON for a <pre>: escaped like every other value. */
export function json(value: unknown): SafeHtml {
  // Focusable: a scrolling block must be reachable by keyboard.
  return html`<pre class="json" tabindex="0">${JSON.stringify(value, null, 2) ?? 'null'}</pre>`;
}

/** A link only for http(s) URLs: a payload's `javascript:` URL stays text. */
export function externalLink(url: unknown, label: string): SafeHtml {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return html``;
  return html`<a href="${url}" rel="noopener noreferrer">${label}</a>`;
}

/** A query string from fields that are set. */
export function query(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
