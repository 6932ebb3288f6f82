import { html, running, time, type SafeHtml } from '../html.js';
import type { CheckState } from '../read-model.js';
import { markdownLine } from '../rich-text.js';
import { badge } from '../severity.js';

/** One row per inspection or external check: its state, since when, and a summary that agrees with it. */
export function checkRows(checks: CheckState[]): SafeHtml[] {
  return checks.map(
    (check) =>
      html`<tr data-check="${check.name}">
        <td>
          <a href="/checks/${encodeURIComponent(check.name)}">${check.name}</a>
          <div class="muted small">${check.kind === 'inspection' ? 'inspection' : 'external check'}</div>
        </td>
        <td>${badge(check.state)}${check.runningSince ? html` ${running(check.runningSince)}` : html``}</td>
        <td>${time(check.since, 'no result yet')}</td>
        <td class="summary">${markdownLine(check.summary)}</td>
      </tr>`,
  );
}
