import type { DetectifyClient } from './client.js';
import type { DetectifyConfig } from './config.js';
import { detectifyError, keyLabel, messageForStatus } from './errors.js';
import { DeliveryError, type CheckResult, type Deployment, type Logger } from '../../src/module-api.js';

export type ScanDecision =
  { action: 'skip'; reason: string } | { action: 'remind'; tokens: string[] } | { action: 'scan'; tokens: string[] };

/** The original's order: a removal only reminds (in any cluster), and scans happen only in listed clusters. */
export function decideScanning(
  deployment: Pick<Deployment, 'removal' | 'cluster' | 'detectifyProfileTokens'>,
  config: Pick<DetectifyConfig, 'clusters'>,
): ScanDecision {
  const tokens = deployment.detectifyProfileTokens;
  if (deployment.removal) {
    return tokens.length > 0
      ? { action: 'remind', tokens }
      : { action: 'skip', reason: 'zero replicas and no Detectify profile tokens' };
  }
  if (!deployment.cluster || !config.clusters.includes(deployment.cluster)) {
    return { action: 'skip', reason: `cluster ${deployment.cluster ?? '(none)'} is not in DETECTIFY_CLUSTERS` };
  }
  if (tokens.length === 0) return { action: 'skip', reason: 'no Detectify profile tokens' };
  return { action: 'scan', tokens };
}

export function removalReminder(deployment: Pick<Deployment, 'friendlyName'>, tokens: string[]): CheckResult {
  const plural = tokens.length === 1 ? 'profile' : 'profiles';
  return {
    summary: `Don't forget to remove the Detectify ${plural} for ${deployment.friendlyName} (${tokens.join(', ')})`,
    details: { action: 'remind', tokens },
  };
}

/** What happened to one profile token under one key. */
export type ProfileOutcome =
  | { token: string; key: string; outcome: 'started' }
  | { token: string; key: string; outcome: 'running'; state: string; message?: string }
  | { token: string; key: string; outcome: 'failed'; error: DeliveryError };

export interface ScanReport {
  profiles: ProfileOutcome[];
  /** Failures of a whole key (listing its profiles). */
  keyFailures: Array<{ key: string; error: DeliveryError }>;
  /** Tokens of the deployment found under none of the keys (left empty when a key could not be read). */
  notFound: string[];
}

/**
 * For each key: list its profiles, and for each deployment token among them, read the scan state and
 * start a scan only when it is `stopped`. One key's or one token's failure never stops the others,
 * as in the original; the failures are collected and decided on at the end.
 */
export async function runScans(
  deps: { client: DetectifyClient; keys: readonly string[]; logger: Logger; signal?: AbortSignal },
  tokens: readonly string[],
): Promise<ScanReport> {
  const { client, keys, logger, signal } = deps;
  const report: ScanReport = { profiles: [], keyFailures: [], notFound: [] };
  const found = new Set<string>();
  for (const [index, key] of keys.entries()) {
    const label = keyLabel(key, index);
    let profileTokens: Set<string>;
    try {
      profileTokens = new Set((await client.listProfiles(key, signal)).map((profile) => profile.token));
    } catch (error) {
      const failure = detectifyError(`Detectify ${label}`, error);
      logger.warn('Detectify key failed', { key: label, error: failure.message });
      report.keyFailures.push({ key: label, error: failure });
      continue;
    }
    for (const token of tokens.filter((candidate) => profileTokens.has(candidate))) {
      found.add(token);
      report.profiles.push(await scanProfile(client, key, label, token, signal));
    }
  }
  // A token missing from the keys we could read may belong to a key we could not: not "not found" then.
  report.notFound = report.keyFailures.length === 0 ? tokens.filter((token) => !found.has(token)) : [];
  return report;
}

async function scanProfile(
  client: DetectifyClient,
  key: string,
  label: string,
  token: string,
  signal?: AbortSignal,
): Promise<ProfileOutcome> {
  try {
    const state = await client.scanState(key, token, signal);
    if (state !== 'stopped') return { token, key: label, outcome: 'running', state };
    // Between our read and our start another scan may begin: Detectify then answers 409.
    const started = await client.startScan(key, token, signal);
    return started
      ? { token, key: label, outcome: 'started' }
      : { token, key: label, outcome: 'running', state: 'running', message: messageForStatus(409) };
  } catch (error) {
    return {
      token,
      key: label,
      outcome: 'failed',
      error: detectifyError(`Detectify ${label}, profile ${token}`, error),
    };
  }
}

/** The one line people read: which scans were started, which were already running, which tokens match nothing. */
export function summariseScans(report: ScanReport): string {
  const started = report.profiles.filter((profile) => profile.outcome === 'started').map((profile) => profile.token);
  const running = report.profiles.flatMap((profile) =>
    profile.outcome === 'running' ? [`${profile.token} (${profile.state})`] : [],
  );
  const parts = [
    ...(started.length > 0 ? [`started ${started.length === 1 ? 'scan' : 'scans'} for ${started.join(', ')}`] : []),
    ...(running.length > 0 ? [`already running: ${running.join(', ')}`] : []),
    ...(report.notFound.length > 0 ? [`no profile for ${report.notFound.join(', ')}`] : []),
  ];
  return `Detectify: ${parts.length > 0 ? parts.join('; ') : 'nothing to do'}`;
}

/**
 * The check's result, or the error the delivery fails with. Retrying is safe after a partial success:
 * a scan started on an earlier attempt reads as running, so it is not started twice. The failure is
 * permanent only when every failure is (a bad key, an unverified domain); one retryable failure makes
 * the whole delivery retry.
 */
export function scanOutcome(report: ScanReport): CheckResult {
  const failures = [
    ...report.keyFailures.map((failure) => failure.error),
    ...report.profiles.flatMap((profile) => (profile.outcome === 'failed' ? [profile.error] : [])),
  ];
  const summary = summariseScans(report);
  if (failures.length === 0) {
    return {
      summary,
      details: {
        profiles: report.profiles.map((profile) => ({
          token: profile.token,
          key: profile.key,
          outcome: profile.outcome,
          ...(profile.outcome === 'running' ? { state: profile.state } : {}),
          ...(profile.outcome === 'running' && profile.message ? { message: profile.message } : {}),
        })),
        notFound: report.notFound,
      },
    };
  }
  const done = report.profiles.some((profile) => profile.outcome !== 'failed') ? ` (meanwhile ${summary})` : '';
  const first = failures[0]!;
  const retryAfters = failures.flatMap((failure) =>
    !failure.permanent && failure.retryAfterMs !== undefined ? [failure.retryAfterMs] : [],
  );
  throw new DeliveryError(`${failures.map((failure) => failure.message).join('; ')}${done}`, {
    status: first.status,
    code: first.code,
    reason: first.reason,
    permanent: failures.every((failure) => failure.permanent),
    retryAfterMs: retryAfters.length > 0 ? Math.max(...retryAfters) : undefined,
  });
}

/** One deployment's effect on Detectify. */
export async function handleDeployment(
  deps: { client: DetectifyClient; config: DetectifyConfig; logger: Logger; signal?: AbortSignal },
  deployment: Deployment,
): Promise<CheckResult> {
  const decision = decideScanning(deployment, deps.config);
  if (decision.action === 'skip') return { notify: false, summary: `skipped: ${decision.reason}` };
  if (decision.action === 'remind') return removalReminder(deployment, decision.tokens);
  const report = await runScans({ ...deps, keys: deps.config.apiKeys }, decision.tokens);
  deps.logger.info('Detectify scans checked', {
    started: report.profiles.filter((profile) => profile.outcome === 'started').map((profile) => profile.token),
    notFound: report.notFound,
  });
  return scanOutcome(report);
}
