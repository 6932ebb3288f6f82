import type { ScheduleView } from '../../scheduler/scheduler.js';
import type { ScheduledRunView } from '../../store/scheduled-runs-repo.js';
import type { Viewer } from '../auth.js';
import { duration, html, running, time, type SafeHtml } from '../html.js';
import { actionButton, table } from '../layout.js';
import type { CheckState } from '../read-model.js';
import { markdownLine } from '../rich-text.js';
import { badge, severityOf } from '../severity.js';
import { checkRows } from './checks-list.js';

/** When a schedule runs, in words: "every 20 s", "cron 17 * * * * (UTC)", or "off". */
export function whenText(schedule: Pick<ScheduleView, 'cron' | 'intervalSeconds'>): string {
  if (schedule.intervalSeconds !== null) return `every ${duration(schedule.intervalSeconds * 1000)}`;
  if (schedule.cron !== null) return `cron ${schedule.cron} (UTC)`;
  return 'off';
}

/**
 * A run's own colour: a run that ended normally but reported a bad result (an inspection whose worst key is
 * an error) shows that result, not a green "succeeded".
 */
export function runBadge(run: ScheduledRunView): SafeHtml {
  if (run.status === 'running') return running(run.startedAt);
  const worst = (run.result?.details as { worst?: unknown } | undefined)?.worst;
  if (run.status === 'succeeded' && typeof worst === 'string' && worst !== 'ok') {
    return badge(worst, { severity: severityOf(worst), label: `ended: ${worst}` });
  }
  return badge(run.status, run.status === 'failed' ? { severity: 'error' } : {});
}

export function schedulesView(viewer: Viewer, schedules: ScheduleView[], checks: CheckState[]): SafeHtml {
  const rows = schedules.map((schedule) => {
    const latest = schedule.recentRuns[0];
    const runs = schedule.recentRuns.map(
      (run) =>
        html`<li>
          ${runBadge(run)} ${time(run.firedAt)}${run.durationMs !== null ? ` · took ${duration(run.durationMs)}` : ''}
          ${run.result?.summary ? html`<span class="small">${markdownLine(run.result.summary)}</span>` : html``}${run.error ? html` <span class="error small">${run.error.message}</span>` : html``}
        </li>`,
    );
    return html`<tr data-schedule="${schedule.id}">
      <td>
        <strong>${schedule.id}</strong>
        <div class="muted small">${schedule.owner}</div>
      </td>
      <td class="when"><code>${whenText(schedule)}</code></td>
      <td>${latest ? runBadge(latest) : html`<span class="muted">never run</span>`}</td>
      <td>
        <ol class="runs">
          ${runs}
        </ol>
      </td>
      <td>
        ${actionButton(viewer, `/actions/schedules/${encodeURIComponent(schedule.id)}/run`, 'Run now', '/schedules', {
          target: schedule.id,
        })}
      </td>
    </tr>`;
  });
  return html`<section>${table(['schedule', 'runs', 'latest', 'recent runs', ''], rows, 'no scheduled work')}</section>
    <section aria-labelledby="inspections-title">
      <h2 id="inspections-title">Inspections and external checks</h2>
      ${table(['name', 'state', 'since', 'summary'], checkRows(checks), 'no inspections yet')}
    </section>`;
}
