import type { SourcesConfig } from '../../config/sources.js';
import type { SourceFacts } from '../../events/enrich.js';
import { deploymentSchema, errorSchema } from '../../events/schemas.js';
import type { StoredCdEvent } from '../../events/types.js';

/** The adapters events come through; stored as `events.source`. */
export type SourceName = 'aspen' | 'cdevents' | 'github' | 'gitlab';

/** Which field of the source's input an Aspen field was taken from: a 400 names the source's field. */
export type Origins = Record<string, string>;

/**
 * What an adapter made of one input. Deployments and errors are bodies in Aspen's fields, validated and enriched
 * exactly as Aspen's are; `key` is the source's own identity of the input (a repeat of it is the same event).
 */
export type Mapped =
  | { kind: 'deployment'; body: Record<string, unknown>; facts: SourceFacts; origins: Origins; key: string }
  | { kind: 'error'; body: Record<string, unknown>; origins: Origins; key: string }
  | { kind: 'cdevent'; payload: StoredCdEvent; key: string }
  | { kind: 'ignored'; reason: string };

/** A source's environment name to the hub's cluster (ENVIRONMENT_CLUSTERS); unmapped names are used as they are. */
export function clusterOf(environment: string, config: SourcesConfig): string {
  return config.environmentClusters[environment.trim().toLowerCase()] ?? environment.trim();
}

/** `owner/repo` or `group/project` to an application (REPOSITORY_APPLICATIONS), when mapped. */
export function mappedApplication(repository: string, config: SourcesConfig): string | undefined {
  return config.repositoryApplications[repository.trim().toLowerCase()];
}

// The facts a source states itself (application, cluster, version) are not taken from extras.
const OWN = new Set(['applicationName', 'cluster', 'version']);
const DEPLOYMENT_FIELDS = Object.keys(deploymentSchema.shape).filter((name) => !OWN.has(name));
const ERROR_EXTRAS = ['slackChannels', 'applicationName', 'cluster'] as const;

/**
 * Aspen's fields a source carries as free-form extras (CDEvents `customData`, a GitHub deployment's `payload`):
 * Slack channels, team, application path, public names and the rest, validated like Aspen's when the body is.
 * Fields that are not Aspen's are left out (they stay in the event's raw body).
 */
export function deploymentExtras(extras: unknown, at: string): { fields: Record<string, unknown>; origins: Origins } {
  return pick(extras, DEPLOYMENT_FIELDS, at);
}

/** Extras of an error: where to tell (slackChannels) and what it is about (applicationName, cluster). */
export function errorExtras(extras: unknown, at: string): { fields: Record<string, unknown>; origins: Origins } {
  return pick(
    extras,
    [...ERROR_EXTRAS].filter((name) => name in errorSchema.shape),
    at,
  );
}

function pick(extras: unknown, names: string[], at: string): { fields: Record<string, unknown>; origins: Origins } {
  const fields: Record<string, unknown> = {};
  const origins: Origins = {};
  if (typeof extras !== 'object' || extras === null || Array.isArray(extras)) return { fields, origins };
  for (const name of names) {
    const value = (extras as Record<string, unknown>)[name];
    if (value === undefined) continue;
    fields[name] = value;
    origins[name] = `${at}.${name}`;
  }
  return { fields, origins };
}
