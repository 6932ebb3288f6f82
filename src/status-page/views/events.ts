import { EVENT_TYPES } from '../../events/types.js';
import type { EventView } from '../../store/events-repo.js';
import type { EventFilter, EventSummary } from '../../store/status-repo.js';
import type { Viewer } from '../auth.js';
import { badge, externalLink, html, json, query, time, type SafeHtml } from '../html.js';
import { actionButton, table } from '../layout.js';

export function eventRows(events: EventSummary[]): SafeHtml[] {
  return events.map(
    (event) =>
      html`<tr data-event="${event.id}">
        <td><a href="/events/${event.id}">${time(event.receivedAt)}</a></td>
        <td>${event.type}</td>
        <td class="app">${event.applicationName ?? ''}</td>
        <td>${event.cluster ?? ''}</td>
        <td class="summary">${event.summary ?? ''}</td>
        <td>
          ${Object.entries(event.deliveries).map(([status, count]) => html`${badge(status)}${count > 1 ? html`×${count}` : html``} `)}
        </td>
      </tr>`,
  );
}

/** The filter form: outside the live part, so a live update never resets what is being typed. */
export function eventFilters(filter: EventFilter): SafeHtml {
  return html`<form method="get" action="/events" class="filters">
    <label
      >type
      <select name="type">
        <option value="">any</option>
        ${EVENT_TYPES.map(
          (type) => html`<option value="${type}" ${filter.type === type ? html` selected` : html``}>${type}</option>`,
        )}
      </select></label
    >
    <label>application <input name="application" value="${filter.applicationName ?? ''}" maxlength="200" /></label>
    <label>cluster <input name="cluster" value="${filter.cluster ?? ''}" maxlength="200" /></label>
    <button>Filter</button> <a href="/events">clear</a>
  </form>`;
}

export function eventsView(events: EventSummary[], filter: EventFilter): SafeHtml {
  const last = events.at(-1);
  const older =
    events.length >= filter.limit && last
      ? html`<p>
          <a
            href="/events${query({ type: filter.type, application: filter.applicationName, cluster: filter.cluster, before: last.receivedAt })}"
            >older</a
          >
        </p>`
      : html``;
  return html`${table(['received', 'type', 'application', 'cluster', 'summary', 'deliveries'], eventRows(events), 'no events match')}${older}`;
}

export function eventView(viewer: Viewer, event: EventView): SafeHtml {
  const back = `/events/${event.id}`;
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  const facts = Object.entries(payload).filter(
    ([, value]) => value !== null && value !== undefined && typeof value !== 'object',
  );
  const links = Object.entries(payload).filter(
    ([name, value]) => typeof value === 'string' && /url$/i.test(name) && /^https?:\/\//.test(value),
  );
  const deliveries = event.deliveries.map((delivery) => {
    const error = delivery.lastError as { message?: string; code?: string; reason?: string; status?: number } | null;
    const result = delivery.result as { summary?: string; link?: string; score?: number } | null;
    return html`<article class="delivery" data-delivery="${delivery.id}">
      <h3>
        ${delivery.module} ${badge(delivery.status)}
        <span class="muted small"
          >attempt ${delivery.attempts} of
          ${delivery.maxAttempts}${delivery.durationMs !== null ? ` · ${delivery.durationMs} ms` : ''}</span
        >
        ${['queued', 'in_progress'].includes(delivery.status) ? html`` : actionButton(viewer, `/actions/deliveries/${delivery.id}/replay`, 'Replay', back)}
      </h3>
      ${result?.summary ? html`<p>${result.summary}${result.score !== undefined ? ` (score ${result.score})` : ''}</p>` : html``}
      ${result?.link ? html`<p>${externalLink(result.link, delivery.module === 'slack' ? 'Slack thread' : `open in ${delivery.module}`)}</p>` : html``}
      ${error ? html`<p class="error">${error.code ?? 'error'}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message ?? ''}${error.reason ? ` — ${error.reason}` : ''}</p>` : html``}
      ${delivery.nextAttemptAt ? html`<p class="muted">next attempt ${time(delivery.nextAttemptAt)}</p>` : html``}
      <ol class="lifecycle">
        ${delivery.lifecycle.map((step) => {
          const detail = step.detail as { message?: string; replay?: boolean } | null;
          return html`<li>
            ${time(step.at)} ${badge(step.status)} attempt
            ${step.attempt}${detail?.replay ? ' (replay)' : ''}${detail?.message ? html` <span class="error">${detail.message}</span>` : html``}
          </li>`;
        })}
      </ol>
    </article>`;
  });
  return html` <section>
      <dl class="facts">
        <dt>type</dt>
        <dd>${event.type}</dd>
        <dt>received</dt>
        <dd>${time(event.receivedAt)}</dd>
        ${
          event.source
            ? html`<dt>source</dt>
                <dd>${event.source}</dd>`
            : html``
        }
        ${
          event.parentId
            ? html`<dt>${event.type === 'deployment' ? 'same deployment as' : 'about'}</dt>
                <dd><a href="/events/${event.parentId}">${event.parentId}</a></dd>`
            : html``
        }
        ${
          event.stormOf
            ? html`<dt>storm of</dt>
                <dd><a href="/events/${event.stormOf}">${event.stormOf}</a></dd>`
            : html``
        }
        ${facts.map(
          ([name, value]) =>
            html`<dt>${name}</dt>
              <dd>${String(value)}</dd>`,
        )}
      </dl>
      ${links.length > 0 ? html`<p class="links">${links.map(([name, value]) => html`${externalLink(value, name)} `)}</p>` : html``}
    </section>
    <section>
      <h2>Deliveries</h2>
      ${deliveries.length > 0 ? deliveries : html`<p class="muted">no module handles this event</p>`}
    </section>
    <section>
      <h2>Derived events</h2>
      ${table(
        ['received', 'type', ''],
        event.children.map(
          (child) =>
            html`<tr>
              <td>${time(child.receivedAt)}</td>
              <td>${child.type}</td>
              <td><a href="/events/${child.id}">${child.id}</a></td>
            </tr>`,
        ),
        'none',
      )}
    </section>
    <section>
      <h2>Payload (enriched)</h2>
      ${json(event.payload)}
      <h2>Raw (as received)</h2>
      ${json(event.raw)}
    </section>`;
}
