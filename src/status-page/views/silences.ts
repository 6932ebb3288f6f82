import { ownedSilenceReason } from '../../config-file/ownership.js';
import { MATCHER_KEYS } from '../../silences/matchers.js';
import type { SilenceView } from '../../silences/silences.js';
import { ruleInWords } from '../../silences/weekly-rule.js';
import type { HeldEvent } from '../../store/silences-repo.js';
import type { Viewer } from '../auth.js';
import { html, stamp, time, type SafeHtml } from '../html.js';
import { actionButton, table } from '../layout.js';
import { badge } from '../severity.js';
import { silenceForm, type SilenceFormState } from './silence-form.js';

/** "application=api,portal · kind=deployment", or "everything". */
function matcherText(silence: SilenceView): string {
  const parts = MATCHER_KEYS.flatMap((key) => {
    const values = silence.matchers[key];
    return values && values.length > 0 ? [`${key}=${values.join(',')}`] : [];
  });
  return parts.length > 0 ? parts.join(' · ') : 'every notification';
}

function when(silence: SilenceView): SafeHtml {
  if (silence.recurrence) {
    const words = ruleInWords(silence.recurrence);
    const open = silence.state === 'active';
    return html`${words ?? html`<code>${silence.recurrence}</code>`} for ${silence.durationMinutes} min
      (${silence.timeZone})
      ${
        silence.window
          ? html`<div class="small">
            ${open ? 'open now until' : 'next opens'} ${time(open ? silence.window.closesAt : silence.window.opensAt)}
          </div>`
          : html``
      }`;
  }
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

/** Its End button; for a silence the configuration file owns, why it cannot be ended here instead. */
function endControl(viewer: Viewer, silence: SilenceView, owned: Map<string, string>): SafeHtml {
  const file = owned.get(silence.id);
  if (file) return html`<span class="muted small owned">${ownedSilenceReason(file)}.</span>`;
  return actionButton(viewer, `/actions/silences/${silence.id}/end`, 'End now', '/silences', {
    target: `the silence: ${silence.reason}`,
  });
}

function rows(viewer: Viewer, silences: SilenceView[], endable: boolean, owned: Map<string, string>): SafeHtml[] {
  return silences.map(
    (silence) => html`<tr id="silence-${silence.id}" data-silence="${silence.id}">
      <td>${badge(silence.state === 'active' ? 'muted' : silence.state)}</td>
      <td>${matcherText(silence)}</td>
      <td>${when(silence)}</td>
      <td>${silence.reason}<div class="muted small">by ${silence.createdBy} (${silence.origin})${silence.endedBy ? `, ended by ${silence.endedBy}` : ''}</div></td>
      <td>${silence.held ?? 0}</td>
      <td>${endable ? endControl(viewer, silence, owned) : html``}</td>
    </tr>`,
  );
}

const HEADINGS = ['State', 'Matches', 'When', 'Why', 'Held', ''];

/**
 * The silences page: what holds now, what is planned, the history. `owned` maps the silences the configuration
 * file owns to its path: those are ended in the file, not here.
 */
export function silencesView(
  viewer: Viewer,
  data: { active: SilenceView[]; pending: SilenceView[]; history: SilenceView[]; owned: Map<string, string> },
): SafeHtml {
  return html`<h2>Holding now</h2>
    ${table(HEADINGS, rows(viewer, data.active, true, data.owned), 'Nothing is muted.')}
    <h2>Planned</h2>
    ${table(HEADINGS, rows(viewer, data.pending, true, data.owned), 'No silence or window is planned.')}
    <h2>History</h2>
    ${table(HEADINGS, rows(viewer, data.history, false, data.owned), 'No silence has ended yet.')}`;
}

/** Above the live list, so a refresh never wipes what is being typed: the form, or why there is none. */
export function silenceControls(viewer: Viewer, form: SilenceFormState | null): SafeHtml {
  return viewer.admin ? silenceForm(viewer, form) : html`<p class="muted">Sign in to create or end silences.</p>`;
}
