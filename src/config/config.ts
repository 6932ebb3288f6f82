import path from 'node:path';
import { coreSchema, DEFAULT_TEAMS } from './core-schema.js';
import { describeIssues, type Env } from './env.js';
import { parseSecurity, securitySecrets, type SecurityConfig } from './security.js';
import { parseSources, sourcesSecrets, type SourcesConfig } from './sources.js';

/** The clusters the original knew; any other cluster name falls back to `active`'s hosts. */
export const CLUSTERS = ['active', 'stage', 'integral', 'integral-stage'] as const;
export type ClusterName = (typeof CLUSTERS)[number];

export interface ClusterHosts {
  app?: string;
  api?: string;
}

export interface TeamRule {
  match: string;
  team: string;
}

export interface DeliveryPolicy {
  maxAttempts: number;
  maxAgeSeconds: number;
  timeoutMs: number;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export { coreSchema, DEFAULT_TEAMS };

export interface CoreConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Absent: the hub starts its own embedded PostgreSQL under `dataDir`. */
  databaseUrl?: string;
  /** ALVARES_CONFIG, resolved: the configuration file or directory; absent, the hub runs without one. */
  configFile?: string;
  logLevel: LogLevel;
  publicUrl: string;
  disabledSubscribers: string[];
  hosts: Record<ClusterName, ClusterHosts>;
  graylogHost?: string;
  monitorKeyword: string;
  teams: TeamRule[];
  adminToken?: string;
  /** STATUS_PAGE_PUBLIC=false: reading the status page and its stream needs signing in (with ADMIN_TOKEN). */
  statusPagePublic: boolean;
  delivery: DeliveryPolicy;
  /** Per-module overrides of the delivery policy, keyed by module name. */
  deliveryOverrides: Record<string, Partial<DeliveryPolicy>>;
  workerConcurrency: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  idempotencyWindowSeconds: number;
  errorStormWindowSeconds: number;
  shutdownTimeoutMs: number;
  /** Events (with their deliveries) older than this are deleted by the hourly prune; 0 keeps them forever. */
  eventRetentionDays: number;
  /** SCHEDULE_<ID> values: a cron pattern replacing a schedule's own, or `off`; keyed by the variable's suffix. */
  scheduleOverrides: Record<string, string>;
  /** Ingest and read authentication, rate limit, outbound allow-list (src/config/security.ts). */
  security: SecurityConfig;
  /** CDEvents, GitHub and GitLab: credentials and name mappings (src/config/sources.ts). */
  sources: SourcesConfig;
}

const OVERRIDE_PATTERN = /^DELIVERY_(MAX_ATTEMPTS|MAX_AGE_SECONDS|TIMEOUT_MS)_([A-Z0-9_]+)$/;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export function parseCoreConfig(env: Env, cwd = process.cwd()): ParseResult<CoreConfig> {
  const parsed = coreSchema.safeParse(env);
  const problems: string[] = parsed.success ? [] : describeIssues(parsed.error);
  const { overrides, problems: overrideProblems } = parseDeliveryOverrides(env);
  problems.push(...overrideProblems);
  const teams = parseTeams(env.TEAMS && env.TEAMS.trim() !== '' ? env.TEAMS : DEFAULT_TEAMS);
  problems.push(...teams.problems);
  const security = parseSecurity(env);
  problems.push(...security.problems);
  const sources = parseSources(env);
  problems.push(...sources.problems);
  if (parsed.success && !parsed.data.STATUS_PAGE_PUBLIC && !parsed.data.ADMIN_TOKEN) {
    problems.push('STATUS_PAGE_PUBLIC=false needs ADMIN_TOKEN: nobody could sign in to read the status page');
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems };

  const e = parsed.data;
  const port = e.PORT;
  const logLevel: LogLevel = e.LOG_LEVEL ?? (e.DEBUG ? 'debug' : 'info');
  return {
    ok: true,
    value: {
      port,
      host: e.HOST ?? '0.0.0.0',
      dataDir: path.resolve(cwd, e.DATA_DIR ?? './data'),
      databaseUrl: resolveDatabaseUrl(e.DATABASE_URL ?? e.DB_URL, e.DB_PASSWORD),
      ...(e.ALVARES_CONFIG?.trim() ? { configFile: path.resolve(cwd, e.ALVARES_CONFIG.trim()) } : {}),
      logLevel,
      publicUrl: (e.HUB_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
      disabledSubscribers: e.DISABLED_SUBSCRIBERS,
      hosts: {
        active: { app: e.ACTIVE_APP_HOST, api: e.ACTIVE_API_HOST },
        stage: { app: e.STAGE_APP_HOST, api: e.STAGE_API_HOST },
        integral: { app: e.INTEGRAL_APP_HOST, api: e.INTEGRAL_API_HOST },
        'integral-stage': { app: e.INTEGRAL_STAGE_APP_HOST, api: e.INTEGRAL_STAGE_API_HOST },
      },
      graylogHost: e.GRAYLOG_HOST,
      monitorKeyword: e.UTR_KEYWORD ?? 'APPLICATION_STATUS: OK',
      teams: teams.rules,
      adminToken: e.ADMIN_TOKEN,
      statusPagePublic: e.STATUS_PAGE_PUBLIC,
      delivery: {
        maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
        maxAgeSeconds: e.DELIVERY_MAX_AGE_SECONDS,
        timeoutMs: e.DELIVERY_TIMEOUT_MS,
      },
      deliveryOverrides: overrides,
      workerConcurrency: e.WORKER_CONCURRENCY,
      backoffBaseMs: e.DELIVERY_BACKOFF_BASE_MS,
      backoffMaxMs: e.DELIVERY_BACKOFF_MAX_MS,
      idempotencyWindowSeconds: e.IDEMPOTENCY_WINDOW_SECONDS,
      errorStormWindowSeconds: e.ERROR_STORM_WINDOW_SECONDS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      eventRetentionDays: e.EVENT_RETENTION_DAYS,
      scheduleOverrides: parseScheduleOverrides(env),
      security: security.value,
      sources: sources.value,
    },
  };
}

/** SCHEDULE_CORE_PRUNE=off, SCHEDULE_CORE_PRUNE='0 3 * * *': checked against the schedules at start. */
function parseScheduleOverrides(env: Env): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [key, raw] of Object.entries(env)) {
    const match = /^SCHEDULE_([A-Z0-9_]+)$/.exec(key);
    if (match && raw !== undefined && raw.trim() !== '') overrides[match[1]!] = raw.trim();
  }
  return overrides;
}

/** `DB_URL` of the original came with its password in `DB_PASSWORD`; put it into the URL when the URL has none. */
function resolveDatabaseUrl(url: string | undefined, password: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  if (password === undefined) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password === '') parsed.password = password;
    return parsed.toString();
  } catch {
    return url;
  }
}

function parseTeams(value: string): { rules: TeamRule[]; problems: string[] } {
  const rules: TeamRule[] = [];
  const problems: string[] = [];
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [match, team, extra] = entry.split('=').map((part) => part.trim().toLowerCase());
    if (!match || extra !== undefined || team === '') {
      problems.push(`TEAMS: "${entry}" is not "team" or "fragment=team"`);
      continue;
    }
    rules.push({ match, team: team ?? match });
  }
  return { rules, problems };
}

function parseDeliveryOverrides(env: Env): {
  overrides: Record<string, Partial<DeliveryPolicy>>;
  problems: string[];
} {
  const overrides: Record<string, Partial<DeliveryPolicy>> = {};
  const problems: string[] = [];
  for (const [key, raw] of Object.entries(env)) {
    const match = OVERRIDE_PATTERN.exec(key);
    if (!match || raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      problems.push(`${key}: expected a positive whole number`);
      continue;
    }
    const moduleName = match[2]!.toLowerCase();
    const field = ({ MAX_ATTEMPTS: 'maxAttempts', MAX_AGE_SECONDS: 'maxAgeSeconds', TIMEOUT_MS: 'timeoutMs' } as const)[
      match[1] as 'MAX_ATTEMPTS' | 'MAX_AGE_SECONDS' | 'TIMEOUT_MS'
    ];
    overrides[moduleName] = { ...overrides[moduleName], [field]: value };
  }
  return { overrides, problems };
}

/** Values in the environment that must never be printed: collected once, handed to the redactor. */
export function coreSecrets(config: CoreConfig, env: Env): string[] {
  const secrets = [
    config.adminToken,
    env.DB_PASSWORD,
    ...securitySecrets(config.security),
    ...sourcesSecrets(config.sources),
  ];
  if (config.databaseUrl) {
    try {
      const password = new URL(config.databaseUrl).password;
      if (password) secrets.push(decodeURIComponent(password), password);
    } catch {
      // A URL pg cannot parse either: pg reports it; nothing to collect.
    }
  }
  return secrets.filter((value): value is string => typeof value === 'string' && value.length > 0);
}
