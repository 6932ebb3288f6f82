import type { ModuleStatus } from '../../module-system/registry.js';
import type { EventSummary } from '../../store/status-events-repo.js';
import type { ModuleActivity, QueueWait, ReplicaView, RunningDelivery, RunningRun } from '../../store/status-repo.js';
import type { Viewer } from '../auth.js';
import { html, running, time, type SafeHtml } from '../html.js';
import { actionButton, table } from '../layout.js';
import { differingReplicas, type Problem } from '../problems.js';
import type { CheckState } from '../read-model.js';
import { errorText } from '../rich-text.js';
import { badge } from '../severity.js';
import { checkRows } from './checks-list.js';
import { eventRows, EVENT_HEADINGS } from './events.js';
import { problemList, queueList } from './problems.js';

export interface OverviewData {
  problems: Problem[];
  modules: ModuleStatus[];
  activity: Map<string, ModuleActivity>;
  queues: QueueWait[];
  deliveries: RunningDelivery[];
  runs: RunningRun[];
  checks: CheckState[];
  events: EventSummary[];
  replicas: ReplicaView[];
}

export function overviewView(viewer: Viewer, data: OverviewData): SafeHtml {
  const back = '/';
  const differing = differingReplicas(data.replicas);
  const moduleRows = data.modules.map((module) => {
    const activity = data.activity.get(module.name);
    const dead = activity?.dead ?? 0;
    const recovered =
      activity?.recoveredAt && dead === 0
        ? html`<div class="small">recovered ${time(activity.recoveredAt)}</div>`
        : html``;
    return html`<tr data-module="${module.name}">
      <td>
        <strong>${module.name}</strong>
        <div class="muted small">${module.description ?? ''}</div>
      </td>
      <td>
        ${module.enabled ? badge('on') : badge('off')}
        ${module.reason ? html`<div class="muted small">${module.reason}</div>` : html``}
      </td>
      <td class="dead-cell">
        ${dead > 0 ? html`<a class="dead" href="/errors?module=${module.name}">${dead} dead</a>` : html`<span class="muted">none</span>`}
        ${
          dead > 0
            ? actionButton(viewer, `/actions/modules/${encodeURIComponent(module.name)}/replay`, 'Replay dead', back, {
                target: `deliveries of ${module.name}`,
              })
            : html``
        }
      </td>
      <td class="failure">
        ${time(activity?.lastFailureAt)}${activity?.lastFailure ? html`<div class="error small">${errorText(activity.lastFailure)}</div>` : html``}${recovered}
      </td>
      <td>${time(activity?.lastSuccessAt)}</td>
      <td>
        ${
          module.enabled
            ? actionButton(viewer, `/actions/modules/${encodeURIComponent(module.name)}/disable`, 'Turn off', back, {
                target: module.name,
                danger: true,
              })
            : module.configured
              ? actionButton(viewer, `/actions/modules/${encodeURIComponent(module.name)}/enable`, 'Turn on', back, {
                  target: module.name,
                })
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
  ];

  return html`${problemList(data.problems)}
    <section aria-labelledby="modules-title">
      <h2 id="modules-title">Modules</h2>
      ${table(['module', 'state', 'dead', 'last failure', 'last success', ''], moduleRows, 'no modules')}
    </section>
    ${queueList(
      data.modules.map((module) => module.name),
      data.queues,
    )}
    <section aria-labelledby="running-title">
      <h2 id="running-title">In progress</h2>
      ${table(['for', 'what', 'about', ''], inProgress, 'nothing running')}
    </section>
    <section aria-labelledby="checks-title">
      <h2 id="checks-title">Checks and inspections</h2>
      ${table(['name', 'state', 'since', 'summary'], checkRows(data.checks), 'no checks yet')}
    </section>
    <section aria-labelledby="events-title">
      <h2 id="events-title">Recent events <a class="small" href="/events">all</a></h2>
      ${table(EVENT_HEADINGS, eventRows(data.events), 'no events yet')}
    </section>
    <section id="replicas" aria-labelledby="replicas-title">
      <h2 id="replicas-title">Replicas</h2>
      ${table(
        ['hub', 'state', 'started', 'heartbeat', 'configuration'],
        data.replicas.map(
          (replica) =>
            html`<tr>
              <td>${replica.id}</td>
              <td>${replica.missing ? badge('error', { label: 'missing' }) : badge('ok', { label: 'answering' })}</td>
              <td>${time(replica.startedAt)}</td>
              <td>${time(replica.heartbeatAt)}</td>
              <td class="config-hash">
                ${replica.configHash ? html`<code class="code">${replica.configHash.slice(0, 12)}</code>` : ''}
                ${differing.has(replica.id) ? badge('warning', { severity: 'warning', label: 'differs' }) : ''}
                ${replica.configProblem ? badge('error', { severity: 'error', label: 'reload failed' }) : ''}
              </td>
            </tr>`,
        ),
        'no replica has reported yet',
      )}
    </section>`;
}

/** Outside `#live`, so refreshes keep it: the happenings this page has seen on the stream, newest first. */
export const LIVE_ACTIVITY = html`<section class="js-only" aria-labelledby="live-title">
  <h2 id="live-title">Live</h2>
  <p class="filters">
    <label class="check"
      ><input type="checkbox" id="activity-all" /> every change (follow-ups and routine delivery steps too)</label
    >
  </p>
  <ol id="activity" class="activity" aria-live="polite"></ol>
</section>`;
