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

/** A time for people, with the machine time in `datetime` (the page's script ticks elapsed times from it). */
export function time(iso: string | null | undefined): SafeHtml {
  if (!iso) return html`<span class="muted">never</span>`;
  return html`<time datetime="${iso}" title="${iso}">${ago(iso)}</time>`;
}

/** "12 s", "4 min", "3 h", "2 d": ages at render time (the script refreshes them). */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** An elapsed time with a spinner: for what is running now. */
export function running(sinceIso: string): SafeHtml {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(sinceIso)) / 1000));
  return html`<span class="spinner" aria-hidden="true"></span>
    <span class="elapsed" data-since="${sinceIso}">${seconds} s</span>`;
}

export function badge(status: string): SafeHtml {
  return html`<span class="badge s-${status.replace(/[^a-z_]/g, '')}">${status.replace('_', ' ')}</span>`;
}

/** JSON for a <pre>: escaped like every other value. */
export function json(value: unknown): SafeHtml {
  return html`<pre class="json">${JSON.stringify(value, null, 2) ?? 'null'}</pre>`;
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
