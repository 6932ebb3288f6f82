import type { ClusterHosts, ClusterName, CoreConfig, TeamRule } from '../config/config.js';
import { CLUSTERS } from '../config/config.js';
import type { DeploymentInput, ErrorInput, RecommendationInput } from './schemas.js';

/** The deployment every module receives: validated, cleaned and enriched. Absent text is `null`, absent URLs `''`. */
export interface Deployment {
  applicationName: string;
  cluster: string | null;
  /** null: the source does not count replicas (CDEvents, GitHub, GitLab). */
  replicas: number | null;
  /** Aspen: `replicas` 0 (or absent). Other sources say so themselves (CDEvents `service.removed`). */
  removal: boolean;
  version: string | null;
  /**
   * An older version than the one running on the cluster, or a source that said so (CDEvents
   * `service.rolledback`): decided when the event is stored (src/store/deployment-placement.ts).
   */
  rollback: boolean;
  /** The version a rollback replaced, when known. */
  rolledBackFrom: string | null;
  /** Who deployed it, when the source says (GitHub's deployment creator, GitLab's user). */
  deployedBy: string | null;
  imageName: string | null;
  applicationPath: string | null;
  created: string | null;
  createdAt: string | null;
  slackChannels: string[];
  team: string | null;
  publicNameSwedish: string | null;
  publicNameEnglish: string | null;
  descriptionSwedish: string | null;
  descriptionEnglish: string | null;
  friendlyName: string;
  importance: Importance;
  detectifyProfileTokens: string[];
  applicationUrl: string;
  monitorUrl: string;
  aboutUrl: string;
  monitorPattern: string;
  testAccessibility: boolean;
  accessibilityUrls: string[];
  publicUserDocumentationUrl: string | null;
  privateOperationsDocumentationUrl: string | null;
  logSearchUrl: string | null;
}

export interface ErrorReport {
  message: string;
  stackTrace: string | null;
  slackChannels: string[];
  applicationName: string | null;
  cluster: string | null;
  /** Where the failed run's log is (a CI job, a pipeline run), when the source says. */
  logUrl: string | null;
  /** Set on the follow-up of an error storm: how many identical errors were folded into it. */
  repeats?: { count: number; firstEventId: string; windowSeconds: number };
}

export interface Recommendation {
  message: string;
  slackChannels: string[];
  applicationName: string | null;
  team: string | null;
}

export type Importance = 'low' | 'medium' | 'high';

/** The part of the configuration enrichment reads. */
export type EnrichConfig = Pick<CoreConfig, 'hosts' | 'graylogHost' | 'monitorKeyword' | 'teams'>;

/** "/api/webtex;ReplacePathRegex" -> "/api/webtex": Aspen copies the whole Traefik rule. */
export function cleanApplicationPath(path: string | null | undefined): string | null {
  if (path === null || path === undefined) return null;
  const trimmed = path.trim();
  if (trimmed === '') return null;
  if (!trimmed.startsWith('/')) return trimmed;
  const cut = trimmed.split(';', 1)[0] ?? trimmed;
  return cut.trim();
}

export function normaliseImportance(value: string | null | undefined): Importance {
  const lowered = (value ?? '').trim().toLowerCase();
  return lowered === 'medium' || lowered === 'high' ? lowered : 'low';
}

/** Comma-separated (or array) channel names; trimmed, de-duplicated, and only names starting with `#`. */
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

export function aboutUrlFrom(monitorUrl: string): string {
  return monitorUrl.endsWith('/_monitor') ? `${monitorUrl.slice(0, -'_monitor'.length)}_about` : '';
}

export function friendlyNameOf(input: {
  publicNameEnglish?: string | null;
  publicNameSwedish?: string | null;
  applicationName: string;
}): string {
  return nonEmpty(input.publicNameEnglish) ?? nonEmpty(input.publicNameSwedish) ?? input.applicationName;
}

/** The first configured team whose name (or alias) is found inside one of the channel names. */
export function teamFromChannels(channels: string[], teams: TeamRule[]): string | null {
  for (const channel of channels) {
    const lowered = channel.toLowerCase();
    for (const rule of teams) {
      if (lowered.includes(rule.match)) return rule.team;
    }
  }
  return null;
}

export function logSearchUrl(
  graylogHost: string | undefined,
  cluster: string | null,
  imageName: string | null,
  version: string | null,
): string | null {
  if (!graylogHost || !cluster || !imageName || !version) return null;
  const query = `source:${cluster} AND image_name:/.*${imageName}:${version}.*/`;
  return `${graylogHost.replace(/\/+$/, '')}/search?rangetype=relative&relative=86400&q=${encodeURIComponent(query)}`;
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

export function enrichDeployment(input: DeploymentInput, config: EnrichConfig, facts?: SourceFacts): Deployment {
  const applicationPath = cleanApplicationPath(input.applicationPath);
  const cluster = nonEmpty(input.cluster);
  const host = hostFor(cluster, applicationPath, config.hosts);
  const derived = host && applicationPath ? host : null;

  const applicationUrl = nonEmpty(input.applicationUrl) ?? (derived ? joinUrl(derived, applicationPath!) : '');
  const monitorUrl = nonEmpty(input.monitorUrl) ?? (derived ? joinUrl(derived, applicationPath!, '_monitor') : '');
  const aboutUrl = nonEmpty(input.aboutUrl) ?? aboutUrlFrom(monitorUrl);
  const slackChannels = parseSlackChannels(input.slackChannels);
  // Aspen's absent replicas mean a removal; another source's mean nothing at all.
  const replicas = facts ? (input.replicas ?? null) : (input.replicas ?? 0);
  const version = nonEmpty(input.version);
  const imageName = nonEmpty(input.imageName);
  const accessibilityUrls = splitList(input.accessibilityUrls);

  return {
    applicationName: input.applicationName,
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
    team: nonEmpty(input.team) ?? teamFromChannels(slackChannels, config.teams),
    publicNameSwedish: nonEmpty(input.publicNameSwedish),
    publicNameEnglish: nonEmpty(input.publicNameEnglish),
    descriptionSwedish: nonEmpty(input.descriptionSwedish),
    descriptionEnglish: nonEmpty(input.descriptionEnglish),
    friendlyName: friendlyNameOf(input),
    importance: normaliseImportance(input.importance),
    detectifyProfileTokens: splitList(input.detectifyProfileTokens),
    applicationUrl,
    monitorUrl,
    aboutUrl,
    monitorPattern: nonEmpty(input.monitorPattern) ?? (monitorUrl ? config.monitorKeyword : ''),
    testAccessibility: input.testAccessibility === true,
    accessibilityUrls,
    publicUserDocumentationUrl: nonEmpty(input.publicUserDocumentationUrl),
    privateOperationsDocumentationUrl: nonEmpty(input.privateOperationsDocumentationUrl),
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

function nonEmpty(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
