import type { Deployment } from '../../src/module-api.js';
import type { GrafanaConfig } from './config.js';

/** What Grafana's `POST /api/annotations` takes: epoch milliseconds, tags, text; a dashboard and panel optional. */
export interface AnnotationRequest {
  time: number;
  tags: string[];
  text: string;
  dashboardUID?: string;
  panelId?: number;
}

export type DeploymentKind = 'deployment' | 'removal' | 'rollback';

export function kindOf(deployment: Deployment): DeploymentKind {
  if (deployment.removal) return 'removal';
  return deployment.rollback ? 'rollback' : 'deployment';
}

/** Grafana tags the annotation is found by; `event:<id>` finds it again when a delivery is retried. */
export function annotationTags(deployment: Deployment, eventId: string, extra: readonly string[]): string[] {
  return [
    kindOf(deployment),
    `application:${deployment.applicationName}`,
    ...(deployment.cluster ? [`cluster:${deployment.cluster}`] : []),
    ...(deployment.version ? [`version:${deployment.version}`] : []),
    ...(deployment.team ? [`team:${deployment.team}`] : []),
    `event:${eventId}`,
    ...extra,
  ].map((tag) => tag.slice(0, 100));
}

/**
 * One annotation per deployment, removal and rollback, at the moment the hub received it. Grafana shows the text
 * as HTML it sanitises; payload text is escaped here all the same, so a name cannot add markup.
 */
export function deploymentAnnotation(
  deployment: Deployment,
  event: { id: string; receivedAt: string; url: string },
  config: Pick<GrafanaConfig, 'dashboardUid' | 'panelId' | 'extraTags'>,
): AnnotationRequest {
  const name = escapeHtml(deployment.friendlyName);
  const cluster = escapeHtml(deployment.cluster ?? 'an unknown cluster');
  const version = deployment.version ? ` ${escapeHtml(deployment.version)}` : '';
  const headline =
    kindOf(deployment) === 'removal'
      ? `${name} removed from ${cluster}`
      : kindOf(deployment) === 'rollback'
        ? `${name} rolled back${deployment.rolledBackFrom ? ` from ${escapeHtml(deployment.rolledBackFrom)}` : ''} to${version || ' an earlier version'} in ${cluster}`
        : `${name}${version} deployed to ${cluster}`;
  const by = deployment.deployedBy ? ` by ${escapeHtml(deployment.deployedBy)}` : '';
  return {
    time: Date.parse(event.receivedAt),
    tags: annotationTags(deployment, event.id, config.extraTags),
    text: `${headline}${by} <a href="${escapeHtml(event.url)}">event</a>`,
    ...(config.dashboardUid ? { dashboardUID: config.dashboardUid } : {}),
    ...(config.panelId > 0 ? { panelId: config.panelId } : {}),
  };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
