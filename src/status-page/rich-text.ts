import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { DELIVERY_ERRORS } from '../errors.js';
import { escapeHtml, html, SafeHtml } from './html.js';

/**
 * Text as people wrote it. Inspections and external checks write Markdown; Slack-bound summaries use Slack's
 * mrkdwn; error reports carry stack traces. Rendered HTML always passes one allow-list sanitiser: no raw HTML
 * from a payload survives as markup (scripts, images, frames and forms are shown as the text they were,
 * handlers and styles are dropped, links keep http(s) and mailto only), and the page's Content-Security-Policy
 * would stop a script that did.
 */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'ul',
    'ol',
    'li',
    'blockquote',
    'a',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], pre: ['tabindex'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // A tag that is not allowed is shown as the text it was, so a report's "<script>" stays readable.
  disallowedTagsMode: 'escape',
  // A heading inside a message would break the page's outline: it becomes a paragraph of strong text.
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
    // A code block scrolls: focusable, so it can be scrolled by keyboard.
    pre: sanitizeHtml.simpleTransform('pre', { tabindex: '0' }),
    ...Object.fromEntries(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((tag) => [tag, 'p'])),
  },
};

const markdownParser = new Marked({ gfm: true, breaks: true, async: false });

/** Markdown (GitHub's flavour) as sanitised HTML, in a block of its own. */
export function markdown(text: string | null | undefined): SafeHtml {
  if (!text) return html``;
  const rendered = markdownParser.parse(text, { async: false });
  return new SafeHtml(`<div class="md">${sanitizeHtml(rendered, SANITIZE)}</div>`);
}

/** A one-line Markdown summary without its block: the first line, inline formatting kept. */
export function markdownLine(text: string | null | undefined): SafeHtml {
  const first = (text ?? '').split('\n')[0]!;
  if (!first) return html``;
  return new SafeHtml(sanitizeHtml(markdownParser.parseInline(first, { async: false }), SANITIZE));
}

/**
 * Slack's mrkdwn (`*bold*`, `_italic_`, `~strike~`, `` `code` ``, `<https://…|label>`) as HTML. The text is
 * escaped first, so only the formatting this function adds is markup; the sanitiser checks that too.
 */
export function mrkdwn(text: string | null | undefined): SafeHtml {
  if (!text) return html``;
  const edge = '(^|[\\s(>])';
  const end = '(?=$|[\\s.,;:!?)<])';
  const out = escapeHtml(text)
    // escapeHtml wrote each backtick as &#96;.
    .replace(/&#96;([^\n]+?)&#96;/g, '<code>$1</code>')
    .replace(/&lt;((?:https?:\/\/|mailto:)[^\s|]+?)(?:\|(.+?))?&gt;/g, (_all, url: string, label?: string) => {
      return `<a href="${url}">${label ?? url}</a>`;
    })
    .replace(new RegExp(`${edge}\\*([^*\\n]+?)\\*${end}`, 'g'), '$1<strong>$2</strong>')
    .replace(new RegExp(`${edge}_([^_\\n]+?)_${end}`, 'g'), '$1<em>$2</em>')
    .replace(new RegExp(`${edge}~([^~\\n]+?)~${end}`, 'g'), '$1<del>$2</del>')
    .replace(/\n/g, '<br />');
  return new SafeHtml(sanitizeHtml(out, SANITIZE));
}

/** A stack trace as written: its lines kept, in a scrolling preformatted block. */
export function stackTrace(text: string | null | undefined): SafeHtml {
  if (!text) return html``;
  return html`<pre class="trace" tabindex="0">${text}</pre>`;
}

/**
 * A recorded delivery error in words: the catalogue's plain sentence first, then the HTTP status, the message
 * and the other side's own word (unless it only repeats the status), with the code beside it for searching.
 */
export function errorText(error: unknown): SafeHtml {
  if (!error || typeof error !== 'object') return html``;
  const info = error as { code?: unknown; message?: unknown; status?: unknown; reason?: unknown };
  const code = typeof info.code === 'string' ? info.code : null;
  const sentence = code && code in DELIVERY_ERRORS ? DELIVERY_ERRORS[code as keyof typeof DELIVERY_ERRORS] : null;
  const status = typeof info.status === 'number' ? info.status : null;
  const message = typeof info.message === 'string' ? info.message : '';
  const reason = typeof info.reason === 'string' && info.reason !== `http_${status}` ? info.reason : '';
  const lead = sentence ? sentence[0]!.toUpperCase() + sentence.slice(1) : 'Failed';
  return html`<span class="error-text"
      >${lead}${status ? ` (HTTP ${status})` : ''}${message ? `: ${message}` : ''}${reason ? ` — ${reason}` : ''}</span
    >${code ? html` <code class="code">${code}</code>` : html``}`;
}
