import { AuditFailure, type AuditReports } from './auditor.js';
import type { ReportStore } from './reports.js';
import { reportPath } from './routes.js';
import { extractScores, formatScores, lowestScores, type LighthouseResultLike, type Scores } from './scores.js';
import {
  DeliveryError,
  type CheckResult,
  type Deployment,
  type Logger,
  type Refused,
  type UrlGuard,
} from '../../src/module-api.js';

export interface AuditDeploymentDeps {
  audit(url: string, signal: AbortSignal): Promise<AuditReports>;
  store: ReportStore;
  /** The core's outbound guard over the cluster hosts, OUTBOUND_ALLOWED_HOSTS and LIGHTHOUSE_ALLOWED_HOSTS. */
  guard: UrlGuard;
  keepReports: number;
  maxUrls: number;
  publicUrl: string;
  logger: Logger;
  now?: () => Date;
}

export interface AuditedPage {
  url: string;
  finalUrl: string | null;
  scores: Scores;
  durationMs: number;
  lighthouseVersion: string | null;
  warnings: string[];
  report: { html: string; json: string; latest: string };
  /** Sub-resources the browser was not let fetch (hosts not allowed). */
  blocked?: Refused[];
}

export interface RefusedUrl {
  url: string;
  reason: string;
}

/** Why a deployment is not audited; null when it is. */
export function skipReason(deployment: Deployment): string | null {
  if (!deployment.testAccessibility) return 'testAccessibility is not set';
  if (deployment.removal)
    return deployment.replicas === 0
      ? 'the application is being removed (0 replicas)'
      : 'the application is being removed';
  if (auditUrls(deployment).length === 0) return 'no URL to audit (no accessibilityUrls and no application URL)';
  return null;
}

/** accessibilityUrls when the deployment lists any, else its application URL. */
export function auditUrls(deployment: Deployment): string[] {
  const listed = deployment.accessibilityUrls.map((url) => url.trim()).filter((url) => url !== '');
  if (listed.length > 0) return [...new Set(listed)];
  return deployment.applicationUrl ? [deployment.applicationUrl] : [];
}

/**
 * Audits a deployment's pages one after the other. Refused URLs (not an allowed host) are listed in the
 * result; when nothing was left to audit that is a permanent failure, since retrying cannot change the
 * configuration. An audit that fails (timeout, page not answering, Chromium trouble) fails the delivery
 * so it is retried: right after a deployment the application is often still starting.
 */
export async function auditDeployment(
  deployment: Deployment,
  signal: AbortSignal,
  deps: AuditDeploymentDeps,
): Promise<CheckResult> {
  const skipped = skipReason(deployment);
  if (skipped) return { notify: false, summary: `skipped: ${skipped}` };

  const urls = auditUrls(deployment);
  const considered = urls.slice(0, deps.maxUrls);
  const overLimit = urls.slice(deps.maxUrls);
  const refused: RefusedUrl[] = [];
  const allowed: string[] = [];
  const failures: Array<{ url: string; message: string; code: string }> = [];
  for (const url of considered) {
    const check = await deps.guard.check(url);
    if (check.ok) allowed.push(check.url);
    // A name that does not resolve now may resolve after the deployment settles: retried, not refused.
    else if (check.temporary) failures.push({ url: check.url, message: check.reason, code: 'DNS' });
    else refused.push({ url: check.url, reason: check.reason });
  }
  for (const entry of refused) deps.logger.warn('refused to audit a URL', entry);

  const pages: AuditedPage[] = [];
  for (const url of allowed) {
    let reports: AuditReports;
    try {
      reports = await deps.audit(url, signal);
    } catch (error) {
      // The delivery is over (its timeout or a shutdown): what is left is not ours to report.
      if (error instanceof AuditFailure && error.code === 'ABORTED') throw error;
      // The page could not load because the browser was refused its way (a redirect to an internal address).
      const blocked = error instanceof AuditFailure ? error.blocked : [];
      if (blocked.length > 0) {
        refused.push({ url, reason: `the browser was refused ${describeRefused(blocked)}` });
        continue;
      }
      failures.push({
        url,
        message: messageOf(error),
        code: error instanceof AuditFailure ? error.code : 'LIGHTHOUSE',
      });
      continue;
    }
    const lhr = parseResult(reports.json);
    if (!lhr) {
      failures.push({ url, message: 'the JSON report could not be read', code: 'LIGHTHOUSE' });
      continue;
    }
    const finalUrl = lhr.mainDocumentUrl ?? lhr.finalDisplayedUrl ?? null;
    const blocked = reports.blocked ?? [];
    // The document itself was refused (a redirect hop to a host not allowed): nothing of it was fetched.
    const blockedDocument = finalUrl ? blocked.find((entry) => isDocument(entry.url, finalUrl)) : undefined;
    if (blockedDocument) {
      refused.push({ url, reason: `redirected to ${blockedDocument.url}, refused: ${blockedDocument.reason}` });
      deps.logger.warn('audited page redirected to a URL not allowed; nothing fetched there', {
        url,
        refused: blockedDocument,
      });
      continue;
    }
    if (lhr.runtimeError) {
      failures.push({ url, message: `${lhr.runtimeError.code}: ${lhr.runtimeError.message}`, code: 'PAGE' });
      continue;
    }
    const redirect = finalUrl ? await redirectRefusal(finalUrl, deps.guard) : null;
    if (redirect) {
      // The report would show a page of a host we may not browse; it is not kept.
      refused.push({ url, reason: redirect });
      deps.logger.warn('audited page redirected to a host not allowed; report discarded', { url, finalUrl });
      continue;
    }
    const stored = await deps.store.save(
      deployment.applicationName,
      url,
      reports,
      (deps.now ?? (() => new Date()))(),
      deps.keepReports,
    );
    const link = (file: string) => `${deps.publicUrl}${reportPath(stored.application, stored.slug, file)}`;
    const page: AuditedPage = {
      url,
      finalUrl,
      scores: extractScores(lhr),
      durationMs: reports.durationMs,
      lighthouseVersion: lhr.lighthouseVersion ?? null,
      warnings: lhr.runWarnings ?? [],
      report: { html: link(`${stored.id}.html`), json: link(`${stored.id}.json`), latest: link('latest') },
      ...(blocked.length > 0 ? { blocked } : {}),
    };
    if (blocked.length > 0) deps.logger.warn('requests of an audited page refused', { url, blocked });
    pages.push(page);
    deps.logger.info('page audited', { url, scores: page.scores, durationMs: page.durationMs });
  }

  if (failures.length > 0) {
    const timedOut = failures.every((failure) => failure.code === 'TIMEOUT');
    throw new DeliveryError(
      `Lighthouse could not audit ${failures.map((failure) => `${failure.url} (${failure.message})`).join('; ')}`,
      timedOut
        ? { code: 'HUB_ERR_TIMEOUT', reason: 'LIGHTHOUSE_TIMEOUT' }
        : { code: 'HUB_ERR_FAILED', reason: 'LIGHTHOUSE_FAILED' },
    );
  }
  if (pages.length === 0) {
    throw new DeliveryError(`Lighthouse refused ${describeRefused(refused)}`, {
      permanent: true,
      code: 'HUB_ERR_REFUSED',
      reason: 'LIGHTHOUSE_URL_REFUSED',
    });
  }
  return resultOf(pages, refused, overLimit, deps.maxUrls);
}

export function resultOf(
  pages: readonly AuditedPage[],
  refused: readonly RefusedUrl[],
  overLimit: readonly string[],
  maxUrls: number,
): CheckResult {
  const scores = lowestScores(pages.map((page) => page.scores));
  // The link goes to the page that needs the most work: the lowest accessibility score.
  const worst = [...pages].sort((a, b) => (a.scores.accessibility ?? 101) - (b.scores.accessibility ?? 101))[0]!;
  const parts = pages.map((page) => `Lighthouse ${page.url}: ${formatScores(page.scores)}`);
  if (refused.length > 0) parts.push(`refused ${describeRefused(refused)}`);
  if (overLimit.length > 0) parts.push(`${overLimit.length} more URL(s) not audited (LIGHTHOUSE_MAX_URLS=${maxUrls})`);
  return {
    summary: parts.join('; '),
    ...(scores.accessibility !== undefined ? { score: scores.accessibility } : {}),
    scores,
    link: worst.report.html,
    details: {
      pages,
      ...(refused.length > 0 ? { refused } : {}),
      ...(overLimit.length > 0 ? { notAudited: overLimit } : {}),
    },
  };
}

/** The browser's proxy checked every hop already; this catches a report of a page it was never asked for. */
async function redirectRefusal(finalUrl: string, guard: UrlGuard): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(finalUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `redirected to ${url.protocol}, which is not http or https`;
  const check = await guard.check(url.href);
  if (check.ok || check.temporary) return null;
  return `redirected to host ${url.host}, which ${check.reason.replace(/^host \S+ /, '')}`;
}

/** The refused request was the page's final document: its URL, or (https, seen as a CONNECT) its origin. */
function isDocument(refusedUrl: string, documentUrl: string): boolean {
  if (refusedUrl === documentUrl) return true;
  try {
    const refused = new URL(refusedUrl);
    return refused.protocol === 'https:' && refused.pathname === '/' && refused.origin === new URL(documentUrl).origin;
  } catch {
    return false;
  }
}

function describeRefused(refused: readonly Refused[]): string {
  return refused.map((entry) => `${entry.url} (${entry.reason})`).join(', ');
}

function parseResult(json: string): LighthouseResultLike | null {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null ? parsed : null;
  } catch {
    return null;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
