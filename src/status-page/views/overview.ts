import type { ModuleStatus } from '../../module-system/registry.js';
import type {
  EventSummary,
  ModuleActivity,
  ReplicaView,
  RunningDelivery,
  RunningRun,
} from '../../store/status-repo.js';
import type { Viewer } from '../auth.js';
import { badge, html, running, time, type SafeHtml } from '../html.js';
import { actionButton, table } from '../layout.js';
import type { CheckState } from '../read-model.js';
import { eventRows } from './events.js';

export interface OverviewData {
  modules: ModuleStatus[];
  activity: Map<string, ModuleActivity>;
  deliveries: RunningDelivery[];
  runs: RunningRun[];
  checks: CheckState[];
  events: EventSummary[];
  replicas: ReplicaView[];
}

export function overviewView(viewer: Viewer, data: OverviewData): SafeHtml {
  const back = '/';
  const moduleRows = data.modules.map((module) => {
    const activity = data.activity.get(module.name);
    const failure = activity?.lastFailure as { message?: string; code?: string } | null | undefined;
    const dead = activity?.dead ?? 0;
    return html`<tr data-module="${module.name}">
      <td>
        <strong>${module.name}</strong>
        <div class="muted small">${module.description ?? ''}</div>
      </td>
      <td>
        ${module.enabled ? html`<span class="badge s-on">on</span>` : html`<span class="badge s-off">off</span>`}
        ${module.reason ? html`<div class="muted small">${module.reason}</div>` : html``}
      </td>
      <td>${time(activity?.lastSuccessAt)}</td>
      <td>
        ${time(activity?.lastFailureAt)}${failure?.message ? html`<div class="error small">${failure.code ? `${failure.code}: ` : ''}${failure.message}</div>` : html``}
      </td>
      <td>
        ${dead > 0 ? html`<a class="dead" href="/errors?module=${module.name}">${dead} dead</a>` : html`<span class="muted">0</span>`}
        ${dead > 0 ? actionButton(viewer, `/actions/modules/${encodeURIComponent(module.name)}/replay`, 'Replay dead', back) : html``}
      </td>
      <td>
        ${
          module.enabled
            ? actionButton(viewer, `/actions/modules/${encodeURIComponent(module.name)}/disable`, 'Turn off', back)
            : module.configured
              ? actionButton(viewer, `/actions/modules/${encodeURIComponent(module.name)}/enable`, 'Turn on', back)
              : html``
        }
      </td>
    </tr>`;
  });

  const inProgress = [
    ...data.deliveries.map(
      (delivery) =>
        html`<tr>
          <td>${running(delivery.startedAt)}</td>
          <td>${delivery.module}</td>
          <td><a href="/events/${delivery.eventId}">${delivery.eventType} ${delivery.applicationName ?? ''}</a></td>
          <td>attempt ${delivery.attempts}</td>
        </tr>`,
    ),
    ...data.runs.map(
      (run) =>
        html`<tr>
          <td>${running(run.startedAt)}</td>
          <td>${run.schedule}</td>
          <td><a href="/schedules">scheduled run</a></td>
          <td>on ${run.hub}</td>
        </tr>`,
    ),
    ...data.checks
      .filter((check) => check.runningSince)
      .map(
        (check) =>
          html`<tr>
            <td>${running(check.runningSince!)}</td>
            <td>${check.name}</td>
            <td>${check.kind}</td>
            <td></td>
          </tr>`,
      ),
  ];

  const checkRows = data.checks.map(
    (check) =>
      html`<tr>
        <td><a href="/checks/${encodeURIComponent(check.name)}">${check.name}</a></td>
        <td>${check.kind}</td>
        <td>${badge(check.state)}${check.runningSince ? html` ${running(check.runningSince)}` : html``}</td>
        <td>${time(check.since)}</td>
        <td>${check.summary ?? ''}</td>
      </tr>`,
  );

  return html` <section>
      <h2>Modules</h2>
      ${table(['module', 'state', 'last success', 'last failure', 'dead', ''], moduleRows, 'no modules')}
    </section>
    <section>
      <h2>In progress</h2>
      ${table(['for', 'what', 'about', ''], inProgress, 'nothing running')}
    </section>
    <section>
      <h2>Checks and inspections</h2>
      ${table(['name', 'kind', 'state', 'since', 'summary'], checkRows, 'no checks yet')}
    </section>
    <section>
      <h2>Recent events <a class="small" href="/events">all</a></h2>
      ${table(['received', 'type', 'application', 'cluster', 'summary', 'deliveries'], eventRows(data.events), 'no events yet')}
    </section>
    <section>
      <h2>Replicas</h2>
      ${table(
        ['hub', 'started', 'heartbeat'],
        data.replicas.map(
          (replica) =>
            html`<tr>
              <td>${replica.id}</td>
              <td>${time(replica.startedAt)}</td>
              <td>${time(replica.heartbeatAt)}</td>
            </tr>`,
        ),
        'no replica has reported yet',
      )}
    </section>`;
}

/** Outside `#live`, so refreshes keep it: the happenings this page has seen on the stream, newest first. */
export const LIVE_ACTIVITY = html`<section class="js-only">
  <h2>Live</h2>
  <ol id="activity" class="activity" aria-live="polite"></ol>
</section>`;
