import type { RunView } from '../../store/check-runs-repo.js';
import { badge, html, running, time, type SafeHtml } from '../html.js';
import { table } from '../layout.js';
import type { CheckState } from '../read-model.js';

/** One inspection or external check: its state and its latest runs with results and errors (Slack links here). */
export function checkView(check: CheckState, runs: RunView[]): SafeHtml {
  const rows = runs.map(
    (run) =>
      html`<tr data-run="${run.runId}">
        <td>
          ${run.status === 'in_progress' || run.status === 'queued' ? running(run.startedAt) : badge(run.result?.status ?? run.status)}
        </td>
        <td>
          ${time(run.startedAt)}${run.durationMs !== null ? html`<div class="muted small">${run.durationMs} ms</div>` : html``}
        </td>
        <td>
          ${run.target ?? ''}${
            Object.keys(run.dimensions).length > 0
              ? html`<div class="muted small">
                  ${Object.entries(run.dimensions)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}
                </div>`
              : html``
          }
        </td>
        <td>${run.result?.score ?? ''}</td>
        <td class="message">
          ${run.result?.message ?? ''}${run.errors.map((error) => html`<div class="error small">${error.error}${error.detail ? html`: ${error.detail}` : html``}</div>`)}
        </td>
      </tr>`,
  );
  return html`<section>
      <p>
        ${badge(check.state)} ${check.kind} · since
        ${time(check.since)}${check.runningSince ? html` · ${running(check.runningSince)}` : html``}
      </p>
      ${check.summary ? html`<p class="muted">${check.summary}</p>` : html``}
    </section>
    <section>
      <h2>Latest runs</h2>
      ${table(['result', 'started', 'target', 'score', 'message and errors'], rows, 'no runs yet')}
    </section>`;
}
