import type { InsightsAnswer } from '../../insights/compute.js';
import type { KeyState } from '../../store/inspection-state-repo.js';
import type { AppDelivery, ErrorReport, LatestDeployment } from '../../store/status-places-repo.js';
import { html, time, type SafeHtml } from '../html.js';
import { table } from '../layout.js';
import { targetName } from '../problems.js';
import { errorText, markdownLine, mrkdwn } from '../rich-text.js';
import { badge, severityOf, worstOf } from '../severity.js';
import { insightsCards } from './insights.js';

/**
 * The per-application and per-team pages: what is deployed where, how healthy it is, and what changed. Both
 * are read-only and linkable (Slack messages and badges point here).
 */

export function healthOf(keys: KeyState[]): string {
  if (keys.length === 0) return 'unknown';
  return worstOf(keys.map((key) => severityOf(key.alertStatus ?? key.status)));
}

function keyRows(keys: KeyState[], withApplication: boolean): SafeHtml[] {
  return keys.map(
    (key) =>
      html`<tr data-key="${key.key}">
        <td><a href="/checks/${encodeURIComponent(key.check)}">${key.check}</a></td>
        ${withApplication ? html`<td>${key.dimensions.application ?? ''}</td>` : html``}
        <td>${targetName(key)}</td>
        <td>
          ${badge(key.alertStatus ?? key.status)}${key.alertStatus ? html` <span class="small">in alert since ${time(key.since)}</span>` : html``}
        </td>
        <td>${markdownLine(key.title)}</td>
      </tr>`,
  );
}

export interface ApplicationData {
  name: string;
  deployments: LatestDeployment[];
  deliveries: AppDelivery[];
  keys: KeyState[];
  errors: ErrorReport[];
  insights: InsightsAnswer | null;
}

export function applicationView(data: ApplicationData): SafeHtml {
  const clusters = [...new Set(data.deployments.map((deployment) => deployment.cluster))].sort();
  const team = data.deployments.find((deployment) => deployment.team)?.team ?? null;
  const perCluster = clusters.map((cluster) => {
    const rows = data.deployments
      .filter((deployment) => deployment.cluster === cluster)
      .map((deployment, index, list) => {
        const previous = list[index + 1];
        const changed = !previous || previous.version !== deployment.version;
        return html`<tr>
          <td>
            ${deployment.version ?? ''}${changed ? html`` : html` <span class="muted small">(same version again)</span>`}
          </td>
          <td><a href="/events/${deployment.eventId}">${time(deployment.receivedAt)}</a></td>
          <td>${deployment.replicas ?? ''}</td>
        </tr>`;
      });
    return html`<h3>${cluster || '(no cluster)'}</h3>
      ${table(['version', 'deployed', 'replicas'], rows, 'none')}`;
  });
  const deliveryRows = data.deliveries.map(
    (delivery) =>
      html`<tr>
        <td>${delivery.module}</td>
        <td>${badge(delivery.status)}</td>
        <td><a href="/events/${delivery.eventId}">${delivery.eventType}</a></td>
        <td>${time(delivery.at)}</td>
        <td class="error small">${delivery.status === 'succeeded' ? html`` : errorText(delivery.error)}</td>
      </tr>`,
  );
  return html`<section>
      <dl class="facts">
        <dt>team</dt>
        <dd>
          ${team ? html`<a href="/teams/${encodeURIComponent(team)}">${team}</a>` : html`<span class="muted">none given</span>`}
        </dd>
        <dt>health</dt>
        <dd>${badge(healthOf(data.keys))}</dd>
        ${clusters.map((cluster) => {
          const latest = data.deployments.find((deployment) => deployment.cluster === cluster)!;
          return html`<dt>${cluster || '(no cluster)'}</dt>
            <dd>${latest.version ?? '(no version)'} · ${time(latest.receivedAt)}</dd>`;
        })}
        <dt>badge</dt>
        <dd><code>/badge/app/${encodeURIComponent(data.name)}.svg?cluster=${clusters[0] ?? 'active'}</code></dd>
      </dl>
    </section>
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Versions deployed, per cluster</h2>
      ${perCluster.length > 0 ? perCluster : html`<p class="muted">no deployments within the events kept</p>`}
    </section>
    <section aria-labelledby="app-checks-title">
      <h2 id="app-checks-title">Checks</h2>
      ${table(['check', 'target', 'status', 'last result'], keyRows(data.keys, false), 'no check reports on this application')}
    </section>
    <section aria-labelledby="app-deliveries-title">
      <h2 id="app-deliveries-title">Deliveries</h2>
      ${table(['module', 'status', 'of', 'when', 'error'], deliveryRows, 'none')}
    </section>
    <section aria-labelledby="app-errors-title">
      <h2 id="app-errors-title">Error reports</h2>
      ${errorTable(data.errors, false)}
    </section>
    <section aria-labelledby="app-insights-title">
      <h2 id="app-insights-title">Insights (production, last 90 days)</h2>
      ${data.insights ? insightsCards(data.insights) : html`<p class="muted">insights are not served by this hub</p>`}
    </section>`;
}

function errorTable(errors: ErrorReport[], withApplication: boolean): SafeHtml {
  return table(
    withApplication ? ['when', 'application', 'cluster', 'message'] : ['when', 'cluster', 'message'],
    errors.map(
      (error) =>
        html`<tr>
          <td><a href="/events/${error.eventId}">${time(error.receivedAt)}</a></td>
          ${withApplication ? html`<td><a href="/applications/${encodeURIComponent(error.applicationName)}">${error.applicationName}</a></td>` : html``}
          <td>${error.cluster ?? ''}</td>
          <td>${mrkdwn((error.message ?? '').split('\n')[0])}</td>
        </tr>`,
    ),
    'no error reports',
  );
}

export interface TeamData {
  team: string;
  deployments: LatestDeployment[];
  keys: KeyState[];
  errors: ErrorReport[];
}

export function teamView(data: TeamData): SafeHtml {
  const applications = [...new Set(data.deployments.map((deployment) => deployment.applicationName))].sort();
  const clusters = [...new Set(data.deployments.map((deployment) => deployment.cluster))].sort();
  const rows = applications.map((application) => {
    const keys = data.keys.filter((key) => key.dimensions.application === application);
    return html`<tr data-application="${application}">
      <td class="app"><a href="/applications/${encodeURIComponent(application)}">${application}</a></td>
      <td>${badge(healthOf(keys))}</td>
      ${clusters.map((cluster) => {
        const deployed = data.deployments.find((d) => d.applicationName === application && d.cluster === cluster);
        return html`<td>
          ${
            deployed
              ? html`${deployed.version ?? '(no version)'}
                  <div class="muted small">${time(deployed.receivedAt)}</div>`
              : html`<span class="muted">–</span>`
          }
        </td>`;
      })}
    </tr>`;
  });
  const alerts = data.keys.filter((key) => key.alertStatus !== null);
  return html`<section aria-labelledby="team-apps-title">
      <h2 id="team-apps-title">Applications: ${applications.length}</h2>
      ${table(['application', 'health', ...clusters.map((cluster) => cluster || '(no cluster)')], rows, 'none')}
    </section>
    <section aria-labelledby="team-alerts-title">
      <h2 id="team-alerts-title">Open alerts: ${alerts.length}</h2>
      ${table(['check', 'application', 'target', 'status', 'last result'], keyRows(alerts, true), 'no open alerts')}
    </section>
    <section aria-labelledby="team-errors-title">
      <h2 id="team-errors-title">Recent error reports</h2>
      ${errorTable(data.errors, true)}
    </section>`;
}
