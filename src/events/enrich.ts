import type { ClusterHosts, ClusterName, CoreConfig, TeamRule } from '../config/config.js';
import { CLUSTERS } from '../config/config.js';
import { attributeOrNull, attributeText, httpOnly, quoteLikePython, sortedItems } from './original-text.js';
import type { Deployment, ErrorReport, Importance, Recommendation } from './payloads.js';
import type { DeploymentInput, ErrorInput, RecommendationInput } from './schemas.js';

export type { Deployment, ErrorReport, Importance, Recommendation } from './payloads.js';

/** The part of the configuration enrichment reads. */
export type EnrichConfig = Pick<CoreConfig, 'hosts' | 'graylogHost' | 'monitorKeyword' | 'teams'>;

/**
 * "/api/webtex;ReplacePathRegex" -> "/api/webtex": Aspen copies the Traefik rule's value. As the original did,
 * the cut happens only when the value as sent starts with "/", before quotes and spaces are dropped.
 */
export function cleanApplicationPath(path: string | null | undefined): string | null {
  if (path === null || path === undefined) return null;
  return attributeOrNull(path.startsWith('/') ? path.split(';', 1)[0] : path);
}

/** A valid level lower-cased as sent (" high" is not one: the original did not strip it); anything else is `low`. */
export function normaliseImportance(value: string | null | undefined): Importance {
  const lowered = (value ?? '').toLowerCase();
  return lowered === 'medium' || lowered === 'high' ? lowered : 'low';
}

/** Channel names in the original's order (sorted, de-duplicated), only names starting with `#` (a bare `#` names none). */
export function deploymentChannels(value: string | string[] | null | undefined): string[] {
  return sortedItems(value).filter((channel) => channel.startsWith('#') && channel.length > 1);
}

/** Comma-separated (or array) channel names in the order sent; trimmed, de-duplicated, and only names starting with `#`. */
export function parseSlackChannels(value: string | string[] | null | undefined): string[] {
  return splitList(value).filter((channel) => channel.startsWith('#') && channel.length > 1);
}

/** A comma-separated string or an array, trimmed, without empties and duplicates, order kept. */
export function splitList(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  const parts = Array.isArray(value) ? value : value.split(',');
  return [...new Set(parts.map((part) => part.trim()).filter((part) => part.length > 0))];
}

/** The base host for a deployment: api host for `/api/...` paths, app host otherwise; unknown clusters use `active`. */
export function hostFor(
  cluster: string | null,
  path: string | null,
  hosts: Record<ClusterName, ClusterHosts>,
): string | null {
  if (!cluster || !path) return null;
  const key = (CLUSTERS as readonly string[]).includes(cluster) ? (cluster as ClusterName) : 'active';
  const clusterHosts = hosts[key];
  const host = path.startsWith('/api/') ? clusterHosts.api : clusterHosts.app;
  return host ? host.replace(/\/+$/, '') : null;
}

/** host + path + suffix, where a path ending in `/` takes the suffix without another slash. */
export function joinUrl(host: string, path: string, suffix = ''): string {
  if (suffix === '') return `${host}${path}`;
  return path.endsWith('/') ? `${host}${path}${suffix}` : `${host}${path}/${suffix}`;
}

export function friendlyNameOf(input: {
  publicNameEnglish?: string | null;
  publicNameSwedish?: string | null;
  applicationName: string;
}): string {
  return (
    attributeOrNull(input.publicNameEnglish) ??
    attributeOrNull(input.publicNameSwedish) ??
    attributeText(input.applicationName)
  );
}

/** The first team (in configured order) whose name (or alias) is inside the first channel naming one; case counts, as in the original. */
export function teamFromChannels(channels: string[], teams: TeamRule[]): string | null {
  for (const channel of channels) {
    for (const rule of teams) {
      if (channel.includes(rule.match)) return rule.team;
    }
  }
  return null;
}

/**
 * The original's Graylog search (the last hour of this image's logs in this cluster), its cluster encoded too.
 * None without cluster, image or version: the original's link then searched every log.
 */
export function logSearchUrl(
  graylogHost: string | undefined,
  cluster: string | null,
  imageName: string | null,
  version: string | null,
): string | null {
  if (!graylogHost || !cluster || !imageName || !version) return null;
  const image = quoteLikePython(`/.*${imageName}:${version}.*/`);
  return (
    `${graylogHost.replace(/\/+$/, '')}/search?rangetype=relative&fields=message%2Csource&width=2560` +
    `&highlightMessage=&relative=3600&q=source%3A${quoteLikePython(cluster)}+AND+image_name%3A${image}`
  );
}

/** Unix seconds with a fraction -> ISO time; null when absent or out of range. */
export function createdToIso(created: string | null): string | null {
  if (created === null) return null;
  const millis = Number(created) * 1000;
  if (!Number.isFinite(millis) || millis <= 0 || millis > 8.64e15) return null;
  return new Date(millis).toISOString();
}

/** What a source other than Aspen tells besides Aspen's fields: whether it is a removal, whether a rollback. */
export interface SourceFacts {
  removal: boolean;
  rollback: boolean;
}

/**
 * The original's enrichment and getters (docs/reference/enrichment.md). A field sent (even empty) is kept
 * and not derived, as there; a field sent as null counts as not sent.
 */
export function enrichDeployment(input: DeploymentInput, config: EnrichConfig, facts?: SourceFacts): Deployment {
  const applicationPath = cleanApplicationPath(input.applicationPath);
  const cluster = attributeOrNull(input.cluster);
  const path = applicationPath ?? '';
  // With no host the joined text is a bare path, which httpOnly turns into "" as the original's getter did.
  const derived = (suffix: string) =>
    httpOnly(joinUrl(hostFor(cluster, applicationPath, config.hosts) ?? '', path, suffix));
  const given = (value: string | null | undefined) => (present(value) ? httpOnly(attributeText(value)) : null);

  const applicationUrl = given(input.applicationUrl) ?? derived('');
  const monitorUrl = given(input.monitorUrl) ?? derived('_monitor');
  const aboutUrl = given(input.aboutUrl) ?? (monitorUrl.endsWith('/_monitor') ? derived('_about') : '');
  const slackChannels = deploymentChannels(input.slackChannels);
  // Aspen's absent replicas mean a removal; another source's mean nothing at all.
  const replicas = facts ? (input.replicas ?? null) : (input.replicas ?? 0);
  const version = attributeOrNull(input.version);
  const imageName = attributeOrNull(input.imageName);

  return {
    applicationName: attributeText(input.applicationName),
    cluster,
    replicas,
    removal: facts ? facts.removal : replicas === 0,
    version,
    rollback: facts?.rollback ?? false,
    rolledBackFrom: null,
    deployedBy: nonEmpty(input.deployedBy),
    imageName,
    applicationPath,
    created: input.created,
    createdAt: createdToIso(input.created),
    slackChannels,
    team: present(input.team) ? attributeOrNull(input.team) : teamFromChannels(slackChannels, config.teams),
    publicNameSwedish: attributeOrNull(input.publicNameSwedish),
    publicNameEnglish: attributeOrNull(input.publicNameEnglish),
    descriptionSwedish: nonEmpty(input.descriptionSwedish),
    descriptionEnglish: nonEmpty(input.descriptionEnglish),
    friendlyName: friendlyNameOf(input),
    importance: normaliseImportance(input.importance),
    detectifyProfileTokens: sortedItems(input.detectifyProfileTokens),
    applicationUrl,
    monitorUrl,
    aboutUrl,
    monitorPattern: present(input.monitorPattern)
      ? attributeText(input.monitorPattern)
      : monitorUrl
        ? config.monitorKeyword
        : '',
    testAccessibility: input.testAccessibility === true,
    accessibilityUrls: sortedItems(input.accessibilityUrls),
    publicUserDocumentationUrl: attributeOrNull(input.publicUserDocumentationUrl),
    privateOperationsDocumentationUrl: attributeOrNull(input.privateOperationsDocumentationUrl),
    logSearchUrl: logSearchUrl(config.graylogHost, cluster, imageName, version),
  };
}

export function enrichError(input: ErrorInput): ErrorReport {
  return {
    message: input.message,
    stackTrace: nonEmpty(input.stackTrace),
    slackChannels: parseSlackChannels(input.slackChannels),
    applicationName: nonEmpty(input.applicationName),
    cluster: nonEmpty(input.cluster),
    logUrl: nonEmpty(input.logUrl),
  };
}

export function enrichRecommendation(input: RecommendationInput, config: Pick<EnrichConfig, 'teams'>): Recommendation {
  const slackChannels = parseSlackChannels(input.slackChannels);
  return {
    message: input.message,
    slackChannels,
    applicationName: nonEmpty(input.applicationName),
    team: nonEmpty(input.team) ?? teamFromChannels(slackChannels, config.teams),
  };
}

function present<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}

function nonEmpty(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
