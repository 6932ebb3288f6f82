import type { KeyState } from '../../store/inspection-state-repo.js';
import type { CheckErrorGroup, DeliveryErrorGroup } from '../../store/status-errors-repo.js';
import type { FailedRun } from '../../store/status-repo.js';
import type { Viewer } from '../auth.js';
import { html, time, type SafeHtml } from '../html.js';
import { actionButton, table } from '../layout.js';
import { targetName } from '../problems.js';
import { errorText, markdownLine } from '../rich-text.js';
import { badge } from '../severity.js';

export interface ErrorsData {
  groups: DeliveryErrorGroup[];
  checkErrors: CheckErrorGroup[];
  failingKeys: KeyState[];
  runs: FailedRun[];
  /** The module or check the page is narrowed to. */
  only?: string;
}

/** The filter: one module or check, or all (a plain GET form: no script needed). */
export function errorsFilter(modules: string[], checks: string[], only: string | undefined): SafeHtml {
  const option = (name: string) =>
    html`<option value="${name}" ${only === name ? html` selected` : html``}>${name}</option>`;
  return html`<form method="get" action="/errors" class="filters">
    <label
      >module or check
      <select name="module">
        <option value="">all</option>
        <optgroup label="modules">${modules.map(option)}</optgroup>
        ${checks.length > 0 ? html`<optgroup label="checks">${checks.map(option)}</optgroup>` : html``}
      </select></label
    >
    <button>Show</button>
  </form>`;
}

export function errorsView(viewer: Viewer, data: ErrorsData): SafeHtml {
  const back = data.only ? `/errors?module=${encodeURIComponent(data.only)}` : '/errors';
  const groupRows = data.groups.map(
    (group) =>
      html`<tr data-group="${group.module}:${group.code}">
        <td><strong>${group.module}</strong></td>
        <td class="error">${errorText(group.sample)}</td>
        <td>
          <strong>${group.count}</strong
          >${group.dead > 0 ? html` <span class="dead">(${group.dead} dead)</span>` : html``}
        </td>
        <td>${time(group.firstAt)}</td>
        <td>
          ${time(group.lastAt)}
          <div class="small">
            <a href="/events/${group.latestEventId}"
              >latest${group.latestApplication ? `: ${group.latestApplication}` : ''}</a
            >
          </div>
        </td>
        <td>
          ${
            group.dead > 0
              ? actionButton(viewer, '/actions/errors/replay', `Replay all ${group.dead}`, back, {
                  target: `dead ${group.module} deliveries with ${group.code}`,
                  fields: { module: group.module, code: group.code },
                })
              : html`<span class="muted small">retrying by itself</span>`
          }
        </td>
      </tr>`,
  );
  const checkRows = data.checkErrors.map(
    (group) =>
      html`<tr>
        <td><a href="/checks/${encodeURIComponent(group.check)}">${group.check}</a></td>
        <td class="error">
          ${group.error}${group.detail ? html`<div class="small">${markdownLine(group.detail)}</div>` : html``}
        </td>
        <td><strong>${group.count}</strong></td>
        <td>${time(group.firstAt)}</td>
        <td>${time(group.lastAt)}</td>
      </tr>`,
  );
  const keyRows = data.failingKeys.map(
    (key) =>
      html`<tr>
        <td><a href="/checks/${encodeURIComponent(key.check)}">${key.check}</a></td>
        <td>${targetName(key)}</td>
        <td>
          ${badge(key.status)}${key.alertStatus ? html` ${badge(key.alertStatus, { label: 'in alert' })}` : html``}
        </td>
        <td>${time(key.statusSince ?? key.updatedAt)}</td>
        <td>${markdownLine(key.title)}</td>
      </tr>`,
  );
  const runRows = data.runs.map((run) => {
    const error = run.error as { message?: string } | null;
    return html`<tr>
      <td>${time(run.firedAt)}</td>
      <td>${run.schedule}</td>
      <td class="error">${error?.message ?? ''}</td>
    </tr>`;
  });
  return html`<section aria-labelledby="delivery-errors">
      <h2 id="delivery-errors">Deliveries failing or dead, by module and error</h2>
      ${table(['module', 'error', 'how many', 'first seen', 'last seen', ''], groupRows, 'no failing deliveries')}
    </section>
    <section aria-labelledby="failing-targets">
      <h2 id="failing-targets">Failing targets of checks</h2>
      ${table(['check', 'target', 'status', 'since', 'last result'], keyRows, 'no failing targets')}
    </section>
    <section aria-labelledby="check-errors">
      <h2 id="check-errors">Errors reported by checks (last 7 days)</h2>
      ${table(['check', 'error', 'how many', 'first seen', 'last seen'], checkRows, 'no errors reported')}
    </section>
    <section aria-labelledby="run-errors">
      <h2 id="run-errors">Failed scheduled runs</h2>
      ${table(['tick', 'schedule', 'error'], runRows, 'no failed runs')}
    </section>`;
}
