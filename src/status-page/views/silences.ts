import { MATCHER_KEYS } from '../../silences/matchers.js';
import type { SilenceView } from '../../silences/silences.js';
import type { HeldEvent } from '../../store/silences-repo.js';
import type { Viewer } from '../auth.js';
import { html, stamp, time, type SafeHtml } from '../html.js';
import { actionButton, table } from '../layout.js';
import { badge } from '../severity.js';

/** "application=api,portal · kind=deployment", or "everything". */
function matcherText(silence: SilenceView): string {
  const parts = MATCHER_KEYS.flatMap((key) => {
    const values = silence.matchers[key];
    return values && values.length > 0 ? [`${key}=${values.join(',')}`] : [];
  });
  return parts.length > 0 ? parts.join(' · ') : 'every notification';
}

function when(silence: SilenceView): SafeHtml {
  if (silence.recurrence)
    return html`<code>${silence.recurrence}</code> for ${silence.durationMinutes} min (${silence.timeZone})
      ${silence.window ? html`<div class="small">${silence.state === 'active' ? 'open until' : 'next'} ${time(silence.state === 'active' ? silence.window.closesAt : silence.window.opensAt)}</div>` : html``}`;
  return html`${time(silence.startsAt)} – ${time(silence.endsAt)}`;
}

/** The latest events a silence held, each a link to its page; the rest counted. */
function heldList(silence: SilenceView, events: HeldEvent[]): SafeHtml {
  if (events.length === 0) return html``;
  const more = (silence.held ?? events.length) - events.length;
  return html`<ul class="held small" aria-label="Held by this silence">
    ${events.map(
      (event) =>
        html`<li><a href="/events/${event.eventId}">${event.type} ${event.applicationName ?? ''}</a> to
          ${event.target}, ${time(event.receivedAt.toISOString())}</li>`,
    )}
    ${more > 0 ? html`<li class="muted">and ${more} more</li>` : html``}
  </ul>`;
}

/**
 * One line per silence holding now, for the overview: "muted until 14:00 UTC by ops: database upgrade", with the
 * latest events it held.
 */
export function mutedBanner(active: SilenceView[], held: Map<string, HeldEvent[]> = new Map()): SafeHtml {
  if (active.length === 0) return html``;
  return html`<section class="muted-now" aria-label="Silences">
    <h2>Muted now</h2>
    <ul>
      ${active.map(
        (silence) =>
          html`<li data-silence="${silence.id}">
            ${badge('muted')} ${matcherText(silence)} muted until
            ${silence.window ? stamp(silence.window.closesAt) : 'further notice'} by ${silence.createdBy}:
            ${silence.reason}${silence.held ? html` · <strong>${silence.held}</strong> held` : html``}
            ${heldList(silence, held.get(silence.id) ?? [])}
          </li>`,
      )}
    </ul>
    <p><a href="/silences">Silences</a></p>
  </section>`;
}

function rows(viewer: Viewer, silences: SilenceView[], endable: boolean): SafeHtml[] {
  return silences.map(
    (silence) => html`<tr id="silence-${silence.id}" data-silence="${silence.id}">
      <td>${badge(silence.state === 'active' ? 'muted' : silence.state)}</td>
      <td>${matcherText(silence)}</td>
      <td>${when(silence)}</td>
      <td>${silence.reason}<div class="muted small">by ${silence.createdBy} (${silence.origin})${silence.endedBy ? `, ended by ${silence.endedBy}` : ''}</div></td>
      <td>${silence.held ?? 0}</td>
      <td>
        ${endable ? actionButton(viewer, `/actions/silences/${silence.id}/end`, 'End now', '/silences', { target: `the silence: ${silence.reason}` }) : html``}
      </td>
    </tr>`,
  );
}

const HEADINGS = ['State', 'Matches', 'When', 'Why', 'Held', ''];

/** The silences page: what holds now, what is planned, the history, and (signed in) a form to mute. */
export function silencesView(
  viewer: Viewer,
  data: { active: SilenceView[]; pending: SilenceView[]; history: SilenceView[] },
): SafeHtml {
  return html`${viewer.admin ? createForm(viewer) : html`<p class="muted">Sign in to create or end silences.</p>`}
    <h2>Holding now</h2>
    ${table(HEADINGS, rows(viewer, data.active, true), 'Nothing is muted.')}
    <h2>Planned</h2>
    ${table(HEADINGS, rows(viewer, data.pending, true), 'No silence or window is planned.')}
    <h2>History</h2>
    ${table(HEADINGS, rows(viewer, data.history, false), 'No silence has ended yet.')}`;
}

function createForm(viewer: Viewer): SafeHtml {
  const field = (key: string, hint: string) =>
    html`<label>${key} <input name="${key}" placeholder="${hint}" autocomplete="off" /></label>`;
  return html`<form method="post" action="/actions/silences" class="silence-form">
    <h2>Mute</h2>
    <input type="hidden" name="_csrf" value="${viewer.csrf}" />
    <input type="hidden" name="back" value="/silences" />
    <p class="muted small">
      Comma-separated values; <code>~</code> starts a regular expression. Leave a field empty to match any.
    </p>
    ${field('application', 'api,~portal-.*')} ${field('cluster', 'active')} ${field('team', 'team-a')}
    ${field('kind', 'deployment,error,inspection')} ${field('check', 'endpoints.health')} ${field('target', 'slack')}
    <label>For (minutes) <input name="minutes" type="number" min="1" max="10080" value="60" required /></label>
    <label>Reason <input name="reason" required maxlength="500" /></label>
    <button>Mute</button>
  </form>`;
}
