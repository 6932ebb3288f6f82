import type { TargetInfo } from '../../notify/hooks.js';
import type { NotifyRoute } from '../../notify/routes.js';
import { html, type SafeHtml } from '../html.js';
import { table } from '../layout.js';
import { badge } from '../severity.js';

export interface TemplateRow {
  provider: string;
  kind: string;
  template: string | null;
}

/** "kind=error,alert · team=team-x", or "every event". */
function matchText(route: NotifyRoute): string {
  const parts = Object.entries(route.match).flatMap(([key, values]) =>
    Array.isArray(values) && values.length > 0 ? [`${key}=${values.join(',')}`] : [],
  );
  return parts.length > 0 ? parts.join(' · ') : 'every event';
}

function toText(to: NotifyRoute['to'][number]): string {
  if (to.addresses !== 'payload') return `${to.target}: ${to.addresses.join(', ')}`;
  const otherwise = to.otherwise && to.otherwise.length > 0 ? `, else ${to.otherwise.join(', ')}` : '';
  return `${to.target}: the event's own addresses${otherwise}`;
}

function capabilities(target: TargetInfo): string {
  const { threads, edits, lookup, rateLimit } = target.capabilities;
  const can = [threads ? 'threads' : null, edits ? 'edits' : null, lookup ? 'exactly once' : null].filter(Boolean);
  const pace = rateLimit.intervalMs > 0 ? `, one post per ${rateLimit.intervalMs} ms after ${rateLimit.burst}` : '';
  return `${can.join(', ') || 'posts only'}${pace}`;
}

/** Targets, routes (the default routing marked as such) and templates: read-only, as the API answers them. */
export function notificationsView(data: {
  targets: TargetInfo[];
  routes: NotifyRoute[];
  source: 'default' | 'stored';
  templates: TemplateRow[];
}): SafeHtml {
  const targets = data.targets.map(
    (target) => html`<tr data-target="${target.name}" data-origin="${target.origin}">
      <td>${target.name}</td>
      <td>${target.provider}</td>
      <td>${target.origin}</td>
      <td>${capabilities(target)}</td>
    </tr>`,
  );
  const routes = data.routes.map(
    (route, index) => html`<tr data-route="${route.name}">
      <td>${index + 1}</td>
      <td>${route.name}</td>
      <td>${matchText(route)}</td>
      <td>${route.to.map((to) => html`<div>${toText(to)}</div>`)}</td>
      <td>${route.continue ? 'yes' : 'no'}</td>
    </tr>`,
  );
  const templates = data.templates.map(
    (row) => html`<tr data-template="${row.provider}/${row.kind}">
      <td>${row.provider}</td>
      <td>${row.kind}</td>
      <td>${row.template === null ? html`<span class="muted">built-in words</span>` : html`<pre>${row.template}</pre>`}</td>
    </tr>`,
  );
  const sourceNote =
    data.source === 'default'
      ? html`<p id="routes-source" data-source="default">
          ${badge('default')} The default routing: no routes are stored, so today's <code>SLACK_*</code> rules apply,
          written as routes. <code>PUT /api/v1/notify/routes</code> replaces them.
        </p>`
      : html`<p id="routes-source" data-source="stored">
          ${badge('stored')} Stored routes, tried in order; the first that matches decides unless it continues.
        </p>`;
  return html`<section aria-labelledby="targets-heading">
      <h2 id="targets-heading">Targets</h2>
      ${table(['Name', 'Provider', 'Origin', 'Can'], targets, 'No notification target is configured.', 'Notification targets')}
    </section>
    <section id="routes" aria-labelledby="routes-heading">
      <h2 id="routes-heading">Routes</h2>
      ${sourceNote}
      ${table(['#', 'Name', 'Matches', 'Sends to', 'Continues'], routes, 'No routes: nothing is sent.', 'Notification routes')}
    </section>
    <section id="templates" aria-labelledby="templates-heading">
      <h2 id="templates-heading">Templates</h2>
      ${table(['Provider', 'Kind', 'Template'], templates, 'No provider is configured.', 'Message templates')}
    </section>`;
}
