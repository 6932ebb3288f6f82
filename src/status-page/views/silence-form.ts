import { MATCHER_KEYS } from '../../silences/matchers.js';
import { WEEKDAYS } from '../../silences/weekly-rule.js';
import type { Viewer } from '../auth.js';
import { html, type SafeHtml } from '../html.js';

/** The zone a recurring window is read in when the browser names none (the script puts the browser's in). */
export const DEFAULT_TIME_ZONE = 'Europe/Stockholm';

/** What the form was sent with, and each field's problem, when the hub refused it: shown again to be fixed. */
export interface SilenceFormState {
  values: Record<string, string | string[]>;
  errors: Record<string, string>;
}

const HINTS: Record<string, string> = {
  application: 'api,~portal-.*',
  cluster: 'active',
  team: 'team-a',
  kind: 'deployment,error,inspection',
  check: 'endpoints.health',
  target: 'slack',
};

/**
 * The signed-in form to mute: matchers, then once (for so many minutes from now) or every week (days, a start
 * time, a length and a time zone, made into the RRULE the API takes). A refused form comes back with what was
 * typed and each problem next to its field, tied to it for screen readers.
 */
export function silenceForm(viewer: Viewer, state: SilenceFormState | null): SafeHtml {
  const values = state?.values ?? {};
  const errors = state?.errors ?? {};
  const value = (name: string, fallback = '') => {
    const given = values[name];
    return typeof given === 'string' ? given : state ? '' : fallback;
  };
  const errorId = (name: string) => `silence-error-${name}`;
  const problem = (name: string) =>
    errors[name] ? html`<span class="field-error" id="${errorId(name)}">${errors[name]}</span>` : html``;
  const invalid = (name: string) =>
    errors[name] ? html`aria-invalid="true" aria-describedby="${errorId(name)}"` : html``;
  const field = (name: string, label: string, attributes: SafeHtml, fallback = '') =>
    html`<label>${label}
      <input name="${name}" value="${value(name, fallback)}" ${attributes} ${invalid(name)} />
      ${problem(name)}</label
    >`;
  const weekly = value('repeat', 'once') === 'weekly';
  const days = ([] as string[]).concat(values.days ?? []);
  // Others' problems (a field the form does not show) are listed in the summary.
  const shown = new Set([...MATCHER_KEYS, 'minutes', 'reason', 'days', 'time', 'durationMinutes', 'timeZone']);
  const others = Object.entries(errors).filter(([name]) => !shown.has(name));
  return html`<form method="post" action="/actions/silences" class="silence-form" novalidate>
    <h2>Mute</h2>
    ${
      state
        ? html`<p class="error" role="alert">
          Not muted: fix the fields marked below.${others.map(([name, message]) => html` ${name}: ${message}.`)}
        </p>`
        : html``
    }
    <input type="hidden" name="_csrf" value="${viewer.csrf}" />
    <input type="hidden" name="back" value="/silences" />
    <fieldset>
      <legend>What to mute</legend>
      <p class="muted small">
        Comma-separated values; <code>~</code> starts a regular expression. Leave a field empty to match any.
      </p>
      ${MATCHER_KEYS.map((key) => field(key, key, html`placeholder="${HINTS[key] ?? ''}" autocomplete="off"`))}
    </fieldset>
    <fieldset>
      <legend>When</legend>
      <label
        ><input type="radio" name="repeat" value="once" ${weekly ? html`` : html`checked`} /> Once, from now</label
      >
      ${field('minutes', 'For (minutes)', html`type="number" min="1" max="10080" data-picks="once"`, '60')}
      <label
        ><input type="radio" name="repeat" value="weekly" ${weekly ? html`checked` : html``} /> Every week</label
      >
      <fieldset class="days" ${errors.days ? html`aria-describedby="${errorId('days')}"` : html``}>
        <legend>Days</legend>
        ${WEEKDAYS.map(
          ([code, name]) =>
            html`<label
              ><input
                type="checkbox"
                name="days"
                value="${code}"
                data-picks="weekly"
                ${days.includes(code) ? html`checked` : html``}
              />
              ${name}</label
            >`,
        )}
        ${problem('days')}
      </fieldset>
      ${field('time', 'Starts at (HH:MM)', html`placeholder="02:00" inputmode="numeric" autocomplete="off" data-picks="weekly"`)}
      ${field('durationMinutes', 'Lasts (minutes)', html`type="number" min="1" max="10080" data-picks="weekly"`, '60')}
      ${field(
        'timeZone',
        'Time zone (IANA)',
        html`autocomplete="off" data-picks="weekly" ${state ? html`` : html`data-browser-zone`}`,
        DEFAULT_TIME_ZONE,
      )}
    </fieldset>
    ${field('reason', 'Reason', html`maxlength="500"`)}
    <button>Mute</button>
  </form>`;
}
