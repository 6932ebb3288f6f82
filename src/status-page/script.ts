/**
 * The page's script, served by the hub (src/status-page/assets.ts). Small on purpose: it listens to
 * /api/v1/stream and re-reads the page's `#live` part (and its title and icon, which carry the problem count)
 * from the same URL when something changed, so every view stays server-rendered with one escaping rule. It
 * writes text only (textContent), never markup.
 */
export const JS = `(() => {
  'use strict';
  document.documentElement.classList.add('js');
  const live = document.getElementById('live');
  const badge = document.getElementById('live-state');
  const activity = document.getElementById('activity');
  const everything = document.getElementById('activity-all');
  if (activity && everything) {
    const apply = () => activity.classList.toggle('all', everything.checked);
    everything.addEventListener('change', apply);
    apply();
  }
  // A new silence form's time zone starts as the browser's (the hub's default when the browser names none).
  const zone = document.querySelector('input[data-browser-zone]');
  if (zone) {
    try { const own = Intl.DateTimeFormat().resolvedOptions().timeZone; if (own) zone.value = own; } catch (e) { /* keep the default */ }
  }
  // Typing in a silence form's weekly fields picks "Every week", its minutes "Once" (no script: pick by hand).
  for (const input of document.querySelectorAll('[data-picks]')) {
    const choice = document.querySelector('input[name="repeat"][value="' + input.dataset.picks + '"]');
    if (choice) input.addEventListener('input', () => { choice.checked = true; });
  }
  // A page that answered a form (data-still) has no URL to read again: it is not followed live.
  if (!live || !badge || live.hasAttribute('data-still') || !('EventSource' in window)) { tick(); return; }
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
      case 'event.accepted': return (d.parentId ? 'follow-up ' : '') + d.type + ' ' + [d.applicationName, d.cluster].filter(Boolean).join(' · ');
      case 'delivery.changed': return d.module + ' ' + String(d.status).replace('_', ' ') + ' (' + d.eventType + ')' + (d.error ? ': ' + d.error : '');
      case 'run.changed': return d.schedule + ' ' + d.status + (d.error ? ': ' + d.error : '');
      case 'module.changed': return d.module + (d.enabled ? ' on' : ' off') + (d.reason ? ' (' + d.reason + ')' : '');
      case 'transition': return d.check + ': ' + d.transition + ' ' + d.status + ' · ' + d.key;
      case 'gap': return 'missed too much while away: view reloaded';
      default: return kind + ' ' + JSON.stringify(d).slice(0, 200);
    }
  }

  // News: what an operator acts on. Follow-ups and routine delivery steps show only with "every change".
  function isNews(kind, d) {
    if (kind === 'event.accepted') return !d.parentId;
    if (kind === 'delivery.changed') return d.status === 'dead' || d.status === 'failed';
    if (kind === 'run.changed') return d.status === 'failed' || d.checkStatus === 'timed_out';
    return true;
  }

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
    item.dataset.news = isNews(kind, d) ? '1' : '0';
    activity.prepend(item);
    while (activity.children.length > 200) activity.lastElementChild.remove();
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
        const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
        const next = doc.getElementById('live');
        if (next) { live.replaceChildren(...next.childNodes); tick(); }
        if (doc.title) document.title = doc.title;
        const icon = doc.querySelector('link[rel=icon]');
        const mine = document.querySelector('link[rel=icon]');
        if (icon && mine && icon.getAttribute('href') !== mine.getAttribute('href')) mine.setAttribute('href', icon.getAttribute('href'));
      }
    } catch (error) {
      // The stream's own state says whether the hub is reachable.
    } finally {
      fetching = false;
      if (again) { again = false; refreshSoon(); }
    }
  }

  document.addEventListener('visibilitychange', () => { if (!document.hidden && again) { again = false; refreshSoon(); } });
  setInterval(tick, 1000);
  show('down', 'connecting…');
  connect();
  tick();

  // A time still to come (a silence's end, a window's next opening) reads "in 3 h", not "0 s ago".
  function ago(ms) {
    const s = Math.round(Math.abs(ms) / 1000);
    const span = s < 60 ? s + ' s' : s < 3600 ? Math.floor(s / 60) + ' min' : s < 86400 ? Math.floor(s / 3600) + ' h' : Math.floor(s / 86400) + ' d';
    return ms < -1000 ? 'in ' + span : span + ' ago';
  }

  function duration(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    const pair = (a, au, b, bu) => b > 0 ? a + ' ' + au + ' ' + b + ' ' + bu : a + ' ' + au;
    if (s < 60) return s + ' s';
    if (s < 3600) return pair(Math.floor(s / 60), 'min', s % 60, 's');
    return pair(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  }

  // The browser's own time zone and language: "14:02" today, "7 Dec, 14:02" before.
  function local(date, now) {
    const sameDay = date.toDateString() === now.toDateString();
    return sameDay
      ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : date.toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  }

  function tick() {
    const now = new Date();
    const root = live || document.body;
    for (const el of root.querySelectorAll('.elapsed[data-since]')) el.textContent = duration(now - Date.parse(el.dataset.since));
    for (const el of root.querySelectorAll('time[datetime]')) {
      const at = new Date(el.getAttribute('datetime'));
      if (!Number.isNaN(at.getTime())) el.textContent = local(at, now) + ' (' + ago(now - at) + ')';
    }
  }
})();
`;
