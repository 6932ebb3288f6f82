import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeMessage, FakeSlack } from '../test/fakes/slack.js';

/**
 * A read-only page of what the fake Slack received, channel by channel, each root with its thread: the demo's
 * stand-in for looking at Slack. Slack's own markup (`<url|label>`, `*bold*`, `` `code` ``, its three escaped
 * characters) is turned into HTML after every other character is escaped, so payload text stays text.
 */
export async function startSlackView(slack: FakeSlack, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      })
      .end(renderSlack(slack));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The newest messages per channel: enough to follow, short enough to reload every few seconds. */
const SHOWN_ROOTS = 50;

/** Shortcodes the hub's messages use (and Aspen's recommendations), as Slack would draw them. */
const EMOJI: Record<string, string> = {
  warning: '⚠️',
  white_check_mark: '✅',
  rotating_light: '🚨',
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  x: '❌',
  rocket: '🚀',
  bulb: '💡',
  star: '⭐',
};

export function renderSlack(slack: FakeSlack): string {
  const channels = [...new Set(slack.messages.map((message) => message.channelName))].sort();
  const sections = channels.map((channel) => {
    const roots = slack.roots(channel).reverse();
    const items = roots.slice(0, SHOWN_ROOTS).map((root) => {
      const replies = slack.replies(root);
      return `<li class="root">${messageHtml(root)}${
        replies.length > 0
          ? `<ul class="thread">${replies.map((reply) => `<li>${messageHtml(reply)}</li>`).join('')}</ul>`
          : ''
      }</li>`;
    });
    const older = roots.length > SHOWN_ROOTS ? `<p class="context">and ${roots.length - SHOWN_ROOTS} older</p>` : '';
    return `<section id="${escape(channel.slice(1))}"><h2>${escape(channel)} <small>${roots.length} message(s)</small></h2><ul>${items.join('')}</ul>${older}</section>`;
  });
  const nav = channels.map((channel) => `<a href="#${escape(channel.slice(1))}">${escape(channel)}</a>`).join(' · ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Fake Slack · Alvares demo</title><style>
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:60rem;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.3rem}h2{font-size:1.1rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}small{color:#666;font-weight:normal}
ul{list-style:none;padding:0}.root{border:1px solid #e3e3e3;border-radius:6px;padding:.5rem .75rem;margin:.5rem 0}
.thread{border-left:3px solid #ddd;margin:.5rem 0 0 .5rem;padding-left:.75rem}.thread li{margin:.4rem 0}
.ts{color:#888;font-size:12px}.edited{color:#888;font-size:12px;font-style:italic}
.block{white-space:pre-wrap;margin:.15rem 0}.fields{display:grid;grid-template-columns:1fr 1fr;gap:.1rem 1rem}
.context{color:#555;font-size:12px}code{background:#f3f3f3;padding:0 .2rem;border-radius:3px}
</style></head><body><h1>Fake Slack: what the hub posted</h1><p>${nav || 'Nothing posted yet.'}</p>${sections.join('')}
<p class="context">This page reloads every 5 s.</p></body></html>`;
}

function messageHtml(message: FakeMessage): string {
  const time = new Date(Number(message.ts) * 1000).toISOString().slice(11, 19);
  const blocks =
    message.blocks.length > 0
      ? message.blocks.map(blockHtml).join('')
      : `<div class="block">${mrkdwnHtml(message.text)}</div>`;
  const edited = message.edits.length > 0 ? ` <span class="edited">(edited ${message.edits.length}×)</span>` : '';
  return `<div class="ts">${time} UTC${edited}</div>${blocks}`;
}

function blockHtml(block: unknown): string {
  const b = block as {
    type?: string;
    text?: { text?: string };
    fields?: Array<{ text?: string }>;
    elements?: Array<{ text?: string }>;
  };
  if (b.type === 'section') {
    const text = b.text?.text ? `<div class="block">${mrkdwnHtml(b.text.text)}</div>` : '';
    const fields = b.fields?.length
      ? `<div class="fields">${b.fields.map((f) => `<div class="block">${mrkdwnHtml(f.text ?? '')}</div>`).join('')}</div>`
      : '';
    return text + fields;
  }
  if (b.type === 'context')
    return `<div class="block context">${(b.elements ?? []).map((e) => mrkdwnHtml(e.text ?? '')).join(' ')}</div>`;
  return '';
}

/** Slack mrkdwn to HTML: links first (http and https only), the rest escaped, then bold and code spans. */
function mrkdwnHtml(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(/<([^<>|]+)(?:\|([^<>]*))?>/g)) {
    parts.push(inline(text.slice(last, match.index)));
    const target = unslack(match[1]!);
    const label = unslack(match[2] ?? match[1]!);
    parts.push(/^https?:\/\//.test(target) ? `<a href="${escape(target)}">${escape(label)}</a>` : escape(label));
    last = match.index + match[0].length;
  }
  parts.push(inline(text.slice(last)));
  return parts.join('');
}

function inline(text: string): string {
  return escape(unslack(text))
    .replace(/```([\s\S]+?)```/g, '<code>$1</code>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/\*([^*\n]+)\*/g, '<b>$1</b>');
}

function unslack(text: string): string {
  return text
    .replace(/:([a-z0-9_]+):/g, (code: string, name: string) => EMOJI[name] ?? code)
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function escape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
