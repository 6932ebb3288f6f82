import { createHash } from 'node:crypto';
import { Router } from 'express';
import { doc } from '../http/route-docs.js';

/**
 * The page's two assets, served by the hub itself (nothing from a CDN: the hub often runs without internet).
 * Kept as strings so `npm run build` carries them into dist/ with no copy step. The script is small on
 * purpose: it listens to /api/v1/stream and re-reads the page's `#live` part from the same URL when
 * something changed, so every view stays server-rendered with one escaping rule.
 */
const CSS = `
:root{--fg:#1b1f24;--muted:#5b6470;--bg:#fff;--line:#d9dee4;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--info:#0969da;--chip:#eef1f4}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9aa4ae;--bg:#0d1117;--line:#30363d;--ok:#3fb950;--bad:#f85149;--warn:#d29922;--info:#58a6ff;--chip:#21262d}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:72rem;padding:0 .75rem 3rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;padding:.6rem 0;border-bottom:1px solid var(--line)}
header nav{display:flex;flex-wrap:wrap;gap:.2rem .8rem;flex:1}
a{color:var(--info)} .brand{font-weight:700;text-decoration:none;color:var(--fg)}
nav a[aria-current],.filters a[aria-current]{font-weight:700;color:var(--fg)}
h1{font-size:1.35rem;margin:.9rem 0 .4rem} h2{font-size:1.1rem;margin:1.4rem 0 .4rem} h3{font-size:1rem;margin:.2rem 0}
.scroll{overflow-x:auto} table{border-collapse:collapse;width:100%} th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
th{font-weight:600;color:var(--muted);font-size:.85rem}
.muted{color:var(--muted)} .small{font-size:.85rem} .error{color:var(--bad);overflow-wrap:anywhere} .dead{color:var(--bad);font-weight:600}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;background:var(--chip);white-space:nowrap}
.s-succeeded,.s-on,.s-ok{color:var(--ok)} .s-dead,.s-failed,.s-off,.s-failing,.s-error{color:var(--bad)} .s-in_progress,.s-running,.s-queued{color:var(--info)} .s-skipped,.s-warning{color:var(--warn)}
.spinner{display:inline-block;width:.85em;height:.85em;border:2px solid var(--line);border-top-color:var(--info);border-radius:50%;animation:spin .8s linear infinite;vertical-align:-.1em}
@keyframes spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){.spinner{animation-duration:3s}}
form.inline{display:inline} button{font:inherit;padding:.15rem .6rem;border:1px solid var(--line);border-radius:.3rem;background:var(--chip);color:var(--fg);cursor:pointer}
button.link{border:0;background:none;color:var(--info);padding:0;text-decoration:underline}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end} .filters label,.sign-in label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
input,select{font:inherit;padding:.2rem .35rem;border:1px solid var(--line);border-radius:.3rem;background:var(--bg);color:var(--fg)}
.sign-in{display:flex;flex-direction:column;gap:.6rem;max-width:22rem}
.flash{padding:.4rem .6rem;border:1px solid var(--line);border-radius:.3rem;background:var(--chip)}
.live-state{font-size:.8rem;padding:.05rem .5rem;border-radius:1rem;background:var(--chip);color:var(--muted)}
.live-state[data-state=live]{color:var(--ok)} .live-state[data-state=down]{color:var(--bad);font-weight:600}
pre.json{overflow:auto;max-height:28rem;padding:.5rem;background:var(--chip);border-radius:.3rem;font-size:.8rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0} dl.facts dt{color:var(--muted)} dl.facts dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
.delivery{border:1px solid var(--line);border-radius:.4rem;padding:.5rem .7rem;margin:.5rem 0}
ol.lifecycle,ol.runs,ol.activity{margin:.2rem 0;padding-left:1.2rem;font-size:.85rem}
.js-only{display:none} .js .js-only{display:block}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.75rem} .card{border:1px solid var(--line);border-radius:.4rem;padding:.5rem .7rem}
.card .big{font-size:1.5rem;font-weight:700;margin:.1rem 0} .card .big.duration{font-size:1.1rem} .card p{margin:.15rem 0}
.chart,.meter,.spread{display:block;margin-top:.2rem;overflow:visible} .chart-slot{fill:var(--chip)} .chart-bar{fill:var(--info)} .chart-failed{fill:var(--bad)}
.meter-track{fill:var(--chip)} .meter-fill{fill:var(--bad)} .spread-range{fill:var(--info);opacity:.45} .spread-median{fill:var(--info)}
`;

const JS = `(() => {
  'use strict';
  document.documentElement.classList.add('js');
  const live = document.getElementById('live');
  const badge = document.getElementById('live-state');
  if (!live || !badge || !('EventSource' in window)) return;
  const activity = document.getElementById('activity');
  const KINDS = ['event.accepted', 'delivery.changed', 'run.changed', 'module.changed', 'transition', 'check.changed', 'inspection.changed', 'gap', 'ready'];
  let lastId = live.dataset.lastId || '';
  let source = null, timer = null, fetching = false, again = false, lastRefresh = 0, wasDown = false;

  const show = (state, text) => { badge.dataset.state = state; badge.textContent = text; };

  function connect() {
    // The browser sends Last-Event-ID itself when it retries; after it gives up (CLOSED) a fresh EventSource
    // carries the id in the query instead.
    source = new EventSource('/api/v1/stream' + (lastId ? '?lastEventId=' + encodeURIComponent(lastId) : ''));
    source.onopen = () => {
      show('live', 'live');
      if (wasDown) { wasDown = false; refreshSoon(); }
    };
    source.onerror = () => {
      wasDown = true;
      show('down', 'disconnected, reconnecting…');
      if (source.readyState === EventSource.CLOSED) { source.close(); setTimeout(connect, 2000); }
    };
    for (const kind of KINDS) source.addEventListener(kind, received);
  }

  function received(message) {
    if (message.lastEventId) lastId = message.lastEventId;
    if (message.type === 'ready') return;
    let data = {};
    try { data = JSON.parse(message.data); } catch (error) { data = {}; }
    note(message.type, data);
    refreshSoon();
  }

  function describe(kind, d) {
    switch (kind) {
      case 'event.accepted': return d.type + ' ' + [d.applicationName, d.cluster].filter(Boolean).join(' · ');
      case 'delivery.changed': return d.module + ' ' + String(d.status).replace('_', ' ') + ' (' + d.eventType + ')' + (d.error ? ': ' + d.error : '');
      case 'run.changed': return d.schedule + ' ' + d.status + (d.error ? ': ' + d.error : '');
      case 'module.changed': return d.module + (d.enabled ? ' on' : ' off') + (d.reason ? ' (' + d.reason + ')' : '');
      case 'gap': return 'missed too much while away: view reloaded';
      default: return kind + ' ' + JSON.stringify(d).slice(0, 200);
    }
  }

  // Text only (textContent): names from payloads are never markup here either.
  function note(kind, d) {
    if (!activity) return;
    const item = document.createElement('li');
    const at = document.createElement('time');
    at.textContent = new Date(d.at || Date.now()).toLocaleTimeString();
    item.append(at, ' ');
    const eventId = d.eventId;
    if (typeof eventId === 'string' && /^[0-9a-f-]{36}$/.test(eventId)) {
      const link = document.createElement('a');
      link.href = '/events/' + eventId;
      link.textContent = describe(kind, d);
      item.append(link);
    } else item.append(describe(kind, d));
    item.dataset.kind = kind;
    activity.prepend(item);
    while (activity.children.length > 50) activity.lastElementChild.remove();
  }

  // At most two re-reads a second, the first 50 ms after a quiet spell: a change shows within a second, and
  // a busy hub costs each open page two requests a second, not one per change.
  function refreshSoon() {
    if (timer) return;
    timer = setTimeout(refresh, Math.max(50, lastRefresh + 500 - Date.now()));
  }

  async function refresh() {
    timer = null;
    if (document.hidden) { again = true; return; }
    if (fetching) { again = true; return; }
    fetching = true;
    lastRefresh = Date.now();
    try {
      const response = await fetch(location.href, { headers: { 'X-Alvares-Live': '1' }, credentials: 'same-origin' });
      if (response.ok && (response.headers.get('content-type') || '').startsWith('text/html')) {
        const next = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('live');
        if (next) { live.replaceChildren(...next.childNodes); tick(); }
      }
    } catch (error) {
      // The stream's own state says whether the hub is reachable.
    } finally {
      fetching = false;
      if (again) { again = false; refreshSoon(); }
    }
  }

  function ago(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    if (s < 86400) return Math.floor(s / 3600) + ' h ago';
    return Math.floor(s / 86400) + ' d ago';
  }

  function tick() {
    const now = Date.now();
    for (const el of live.querySelectorAll('.elapsed[data-since]')) {
      const s = Math.max(0, Math.round((now - Date.parse(el.dataset.since)) / 1000));
      el.textContent = s < 120 ? s + ' s' : Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    }
    for (const el of live.querySelectorAll('time[datetime]')) el.textContent = ago(now - Date.parse(el.getAttribute('datetime')));
  }

  document.addEventListener('visibilitychange', () => { if (!document.hidden && again) { again = false; refreshSoon(); } });
  setInterval(tick, 1000);
  show('down', 'connecting…');
  connect();
})();
`;

function asset(body: string, type: string) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
  return { body, type, etag };
}

const ASSETS: Record<string, ReturnType<typeof asset>> = {
  '/assets/status.css': asset(CSS, 'text/css; charset=utf-8'),
  '/assets/status.js': asset(JS, 'text/javascript; charset=utf-8'),
};

export function assetRoutes(): Router {
  const router = Router();
  for (const [path, file] of Object.entries(ASSETS)) {
    router.get(
      path,
      doc({
        summary: `Status page asset ${path}`,
        tags: ['status page'],
        response: { contentType: 'text/css or text/javascript', description: 'served by the hub itself' },
      }),
      (req, res) => {
        res.setHeader('Cache-Control', 'no-cache');
        res.setHeader('ETag', file.etag);
        if (req.get('if-none-match') === file.etag) {
          res.status(304).end();
          return;
        }
        res.type(file.type).send(file.body);
      },
    );
  }
  return router;
}
