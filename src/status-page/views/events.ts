import { EVENT_TYPES } from '../../events/types.js';
import type { EventFilter, EventSummary } from '../../store/status-events-repo.js';
import { html, query, time, type SafeHtml } from '../html.js';
import { table } from '../layout.js';
import { mrkdwn } from '../rich-text.js';
import { badge } from '../severity.js';

export const EVENT_HEADINGS = ['received', 'type', 'application', 'cluster', 'summary', 'deliveries'];

/**
 * Events as rows, each with its follow-ups (check outcomes, storm counts) under it: a follow-up's badge is the
 * outcome it reports ("webhook dead"), not how its own delivery to Slack went.
 */
export function eventRows(events: EventSummary[]): SafeHtml[] {
  return events.map(
    (event) =>
      html`<tr data-event="${event.id}" data-type="${event.type}">
        <td><a href="/events/${event.id}">${time(event.receivedAt)}</a></td>
        <td>
          ${event.type}${event.parentId ? html`<div class="small"><a href="/events/${event.parentId}">follows</a></div>` : html``}
        </td>
        <td class="app">
          ${event.applicationName ? html`<a href="/applications/${encodeURIComponent(event.applicationName)}">${event.applicationName}</a>` : html``}
        </td>
        <td>${event.cluster ?? ''}</td>
        <td class="summary">
          ${event.reported ? html`${badge(event.reported)} ` : html``}${mrkdwn(event.summary)}
          ${
            event.followUps.length > 0
              ? html`<ul class="follow-ups">
                  ${event.followUps.map(
                    (follow) =>
                      html`<li data-follow-up="${follow.id}">
                        ↳
                        <a href="/events/${follow.id}">${follow.module ?? follow.type}</a>
                        ${badge(follow.status ?? 'unknown')}
                        ${follow.summary ? html`<span class="small">${mrkdwn(follow.summary)}</span>` : html``}
                      </li>`,
                  )}
                </ul>`
              : html``
          }
        </td>
        <td>
          ${Object.entries(event.deliveries).map(
            ([status, count]) =>
              html`${badge(status, { label: `${status.replace('_', ' ')}${count > 1 ? ` ×${count}` : ''}` })} `,
          )}
        </td>
      </tr>`,
  );
}

export const SINCE_PRESETS: Array<{ value: string; label: string }> = [
  { value: '1h', label: 'last hour' },
  { value: 'yesterday', label: 'since yesterday' },
  { value: '7d', label: 'last week' },
];

export interface EventsAsked {
  type?: string;
  application?: string;
  cluster?: string;
  since?: string;
  derived?: boolean;
}

/** The filter form: outside the live part, so a live update never resets what is being typed. */
export function eventFilters(asked: EventsAsked): SafeHtml {
  const base = { type: asked.type, application: asked.application, cluster: asked.cluster };
  return html`<form method="get" action="/events" class="filters">
      <label
        >type
        <select name="type">
          <option value="">any</option>
          ${EVENT_TYPES.map(
            (type) => html`<option value="${type}" ${asked.type === type ? html` selected` : html``}>${type}</option>`,
          )}
        </select></label
      >
      <label>application <input name="application" value="${asked.application ?? ''}" maxlength="200" /></label>
      <label>cluster <input name="cluster" value="${asked.cluster ?? ''}" maxlength="200" /></label>
      <label
        >since
        <select name="since">
          <option value="">any time</option>
          ${SINCE_PRESETS.map(
            (preset) =>
              html`<option value="${preset.value}" ${asked.since === preset.value ? html` selected` : html``}>
                ${preset.label}
              </option>`,
          )}
        </select></label
      >
      <label class="check"
        ><input type="checkbox" name="derived" value="1" ${asked.derived ? html` checked` : html``} /> follow-ups as
        rows too</label
      >
      <button>Filter</button> <a href="/events">clear</a>
    </form>
    <p class="filters small" aria-label="Time">
      ${SINCE_PRESETS.map(
        (preset) =>
          html`<a
            href="/events${query({ ...base, since: preset.value })}"
            ${asked.since === preset.value ? html` aria-current="true"` : html``}
            >${preset.label}</a
          >`,
      )}
    </p>`;
}

export function eventsView(events: EventSummary[], filter: EventFilter, asked: EventsAsked): SafeHtml {
  const last = events.at(-1);
  const older =
    events.length >= filter.limit && last
      ? html`<p>
          <a
            href="/events${query({
              type: asked.type,
              application: asked.application,
              cluster: asked.cluster,
              since: asked.since,
              derived: asked.derived ? '1' : undefined,
              before: last.receivedAt,
            })}"
            >older</a
          >
        </p>`
      : html``;
  const window = filter.since ? html`<p class="muted small">received since ${time(filter.since)}</p>` : html``;
  return html`${window}${table(EVENT_HEADINGS, eventRows(events), 'no events match')}${older}`;
}
