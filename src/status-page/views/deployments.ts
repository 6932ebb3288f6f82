import type { LatestDeployment } from '../../store/status-places-repo.js';
import { html, query, time, type SafeHtml } from '../html.js';
import { table } from '../layout.js';

export function deploymentsView(deployments: LatestDeployment[], cluster: string | undefined): SafeHtml {
  const clusters = [...new Set(deployments.map((deployment) => deployment.cluster))].sort();
  const shown = cluster === undefined ? clusters : clusters.filter((name) => name === cluster);
  const sections = shown.map((name) => {
    const rows = deployments
      .filter((deployment) => deployment.cluster === name)
      .map(
        (deployment) =>
          html`<tr>
            <td class="app">
              <a href="/applications/${encodeURIComponent(deployment.applicationName)}"
                >${deployment.applicationName}</a
              >
            </td>
            <td>${deployment.version ?? ''}</td>
            <td>
              ${deployment.team ? html`<a href="/teams/${encodeURIComponent(deployment.team)}">${deployment.team}</a>` : html``}
            </td>
            <td>${deployment.replicas ?? ''}</td>
            <td><a href="/events/${deployment.eventId}">${time(deployment.receivedAt)}</a></td>
            <td>
              <a
                href="/events${query({ type: 'deployment', application: deployment.applicationName, cluster: name || undefined })}"
                >history<span class="vh"> of ${deployment.applicationName}</span></a
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
  return html`<p class="filters" aria-label="Cluster">
    cluster:
    <a href="/deployments" ${current === undefined ? html` aria-current="page"` : html``}>all</a>
    ${clusters.map((name) => html` <a href="/deployments${query({ cluster: name })}" ${current === name ? html` aria-current="page"` : html``}>${name || '(none)'}</a>`)}
  </p>`;
}
