import type { ScheduleView } from '../../scheduler/scheduler.js';
import type { FailedDelivery, FailedRun, LatestDeployment } from '../../store/status-repo.js';
import type { Viewer } from '../auth.js';
import { badge, html, query, running, time, type SafeHtml } from '../html.js';
import { actionButton, table } from '../layout.js';
import type { CheckState } from '../read-model.js';

export function schedulesView(viewer: Viewer, schedules: ScheduleView[], inspections: CheckState[]): SafeHtml {
  const rows = schedules.map((schedule) => {
    const latest = schedule.recentRuns[0];
    const runs = schedule.recentRuns.map(
      (run) =>
        html`<li>
          ${run.status === 'running' ? running(run.startedAt) : badge(run.status)}
          ${time(run.firedAt)}${run.durationMs !== null ? ` · ${run.durationMs} ms` : ''}
          ${run.result?.summary ? html`<span class="small">${run.result.summary}</span>` : html``}${run.error ? html` <span class="error small">${run.error.message}</span>` : html``}
        </li>`,
    );
    return html`<tr data-schedule="${schedule.id}">
      <td>
        <strong>${schedule.id}</strong>
        <div class="muted small">${schedule.owner}</div>
      </td>
      <td><code>${scheduleRule(schedule)}</code></td>
      <td>${latest ? badge(latest.status) : html`<span class="muted">never run</span>`}</td>
      <td>
        <ol class="runs">
          ${runs}
        </ol>
      </td>
      <td>
        ${actionButton(viewer, `/actions/schedules/${encodeURIComponent(schedule.id)}/run`, 'Run now', '/schedules')}
      </td>
    </tr>`;
  });
  const inspectionRows = inspections
    .filter((check) => check.kind === 'inspection')
    .map(
      (check) =>
        html`<tr>
          <td><a href="/checks/${encodeURIComponent(check.name)}">${check.name}</a></td>
          <td>${badge(check.state)}${check.runningSince ? html` ${running(check.runningSince)}` : html``}</td>
          <td>${time(check.lastRunAt)}</td>
          <td>${check.parameters ? html`<code>${JSON.stringify(check.parameters)}</code>` : html``}</td>
        </tr>`,
    );
  return html`<section>
      ${table(['schedule', 'cron (UTC)', 'latest', 'recent runs', ''], rows, 'no scheduled work')}
    </section>
    <section>
      <h2>Inspections</h2>
      ${table(['inspection', 'state', 'last run', 'parameters'], inspectionRows, 'no inspections yet')}
    </section>`;
}

export function deploymentsView(deployments: LatestDeployment[], cluster: string | undefined): SafeHtml {
  const clusters = [...new Set(deployments.map((deployment) => deployment.cluster))].sort();
  const shown = cluster === undefined ? clusters : clusters.filter((name) => name === cluster);
  const sections = shown.map((name) => {
    const rows = deployments
      .filter((deployment) => deployment.cluster === name)
      .map(
        (deployment) =>
          html`<tr>
            <td class="app">${deployment.applicationName}</td>
            <td>${deployment.version ?? ''}</td>
            <td>${deployment.team ?? ''}</td>
            <td>${deployment.replicas ?? ''}</td>
            <td><a href="/events/${deployment.eventId}">${time(deployment.receivedAt)}</a></td>
            <td>
              <a
                href="/events${query({ type: 'deployment', application: deployment.applicationName, cluster: name || undefined })}"
                >history</a
              >
            </td>
          </tr>`,
      );
    return html`<section>
      <h2>${name || '(no cluster)'}</h2>
      ${table(['application', 'version', 'team', 'replicas', 'deployed', ''], rows, 'none')}
    </section>`;
  });
  return html`${sections.length > 0 ? sections : html`<p class="muted">no deployments yet</p>`}`;
}

export function clusterPicker(clusters: string[], current: string | undefined): SafeHtml {
  return html`<p class="filters">
    cluster:
    <a href="/deployments" ${current === undefined ? html` aria-current="page"` : html``}>all</a>
    ${clusters.map((name) => html` <a href="/deployments${query({ cluster: name })}" ${current === name ? html` aria-current="page"` : html``}>${name || '(none)'}</a>`)}
  </p>`;
}

export function errorsView(viewer: Viewer, deliveries: FailedDelivery[], runs: FailedRun[]): SafeHtml {
  const rows = deliveries.map((delivery) => {
    const error = delivery.error as { message?: string; code?: string; reason?: string } | null;
    return html`<tr>
      <td>${time(delivery.at)}</td>
      <td>${delivery.module}</td>
      <td>${badge(delivery.status)} ×${delivery.attempts}</td>
      <td><a href="/events/${delivery.eventId}">${delivery.eventType} ${delivery.applicationName ?? ''}</a></td>
      <td class="error">${error?.code ?? ''} ${error?.message ?? ''}${error?.reason ? ` — ${error.reason}` : ''}</td>
      <td>
        ${delivery.status === 'dead' ? actionButton(viewer, `/actions/deliveries/${delivery.id}/replay`, 'Replay', '/errors') : html``}
      </td>
    </tr>`;
  });
  const runRows = runs.map((run) => {
    const error = run.error as { message?: string } | null;
    return html`<tr>
      <td>${time(run.firedAt)}</td>
      <td>${run.schedule}</td>
      <td class="error">${error?.message ?? ''}</td>
    </tr>`;
  });
  return html`<section>
      <h2>Deliveries failing or dead</h2>
      ${table(['when', 'module', 'state', 'event', 'error', ''], rows, 'no failing deliveries')}
    </section>
    <section>
      <h2>Failed scheduled runs</h2>
      ${table(['tick', 'schedule', 'error'], runRows, 'no failed runs')}
    </section>`;
}

export function signInView(viewer: Viewer, next: string, problem: string | null, canSignIn: boolean): SafeHtml {
  if (!canSignIn)
    return html`<p>Signing in needs <code>ADMIN_TOKEN</code> set on the hub; without it the page is read-only.</p>`;
  return html`<form method="post" action="/sign-in" class="sign-in">
    ${problem ? html`<p class="error" role="alert">${problem}</p>` : html``}
    <input type="hidden" name="_csrf" value="${viewer.csrf}" />
    <input type="hidden" name="next" value="${next}" />
    <label>Admin token <input type="password" name="token" autocomplete="current-password" required /></label>
    <button>Sign in</button>
  </form>`;
}

/** An interval schedule (`SCHEDULE_<ID>=30s`) has no cron pattern but is not off. */
function scheduleRule(schedule: ScheduleView): string {
  if (!schedule.enabled) return 'off';
  if (schedule.intervalSeconds !== null) return `every ${schedule.intervalSeconds} s`;
  return schedule.cron ?? 'off';
}
