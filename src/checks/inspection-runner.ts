import { randomUUID } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import type { CoreConfig } from '../config/config.js';
import { CHECK_STATUSES, severity, worstOf } from '../events/alert-state.js';
import type { CheckStatus } from '../events/types.js';
import { errorInfo } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { HttpClientOptions, ScheduleContext } from '../module-system/contract.js';
import type { AnyInspection, InspectionEvent } from '../module-system/inspection-contract.js';
import { addRunErrors, finishRun, setResult, startRun } from '../store/check-runs-repo.js';
import type { Db } from '../store/db.js';
import { latestDeployments } from '../store/deployment-history.js';
import { centralValues } from '../store/inspection-parameters-repo.js';
import type { HubStream } from '../stream/hub-stream.js';
import type { AlertBook, KeyResult } from './alert-book.js';
import type { InspectionParameters } from './parameters.js';

export const MAX_MESSAGE_BYTES = 64 * 1024;
export const DEFAULT_INSPECTION_TIMEOUT_MS = 60_000;

export interface RunnerDeps {
  db: Db;
  alerts: AlertBook;
  stream: HubStream;
  logger: Logger;
  redactor: Redactor;
  core: Readonly<CoreConfig>;
  http: (options: HttpClientOptions, logger: Logger) => AxiosInstance;
}

export interface InspectionEntry {
  id: string;
  owner: string;
  inspection: AnyInspection;
  parameters: InspectionParameters;
}

/**
 * One run of an inspection, as scheduled work: recorded as a run of the check `<owner>.<name>` (in progress,
 * then its result and errors), its events fed to the alert state machine, and any transition published
 * in the same transaction as the run's result. Returns the scheduled run's summary.
 */
export async function runInspection(deps: RunnerDeps, entry: InspectionEntry, context: ScheduleContext) {
  const { db, stream } = deps;
  const runId = randomUUID();
  const timeoutMs = entry.inspection.timeoutMs ?? DEFAULT_INSPECTION_TIMEOUT_MS;
  await startRun(db.pool, {
    id: runId,
    check: entry.id,
    kind: 'inspection',
    externalId: runId,
    maxRuntimeSeconds: Math.ceil(timeoutMs / 1000) + 30,
  });
  const announce = (checkStatus: 'in_progress' | 'completed' | 'timed_out', resultStatus?: CheckStatus) =>
    stream.emit({
      kind: 'run.changed',
      schedule: entry.id,
      check: entry.id,
      checkKind: 'inspection',
      runId,
      checkStatus,
      ...(resultStatus ? { resultStatus } : {}),
      firedAt: context.firedAt.toISOString(),
      status:
        checkStatus === 'in_progress'
          ? 'running'
          : checkStatus === 'completed' && resultStatus !== undefined
            ? 'succeeded'
            : 'failed',
      at: new Date().toISOString(),
    });
  announce('in_progress');
  try {
    const parameters = entry.parameters.effective(entry.inspection.parameters, await centralValues(db.pool, entry.id));
    const output = await entry.inspection.run({
      parameters,
      firedAt: context.firedAt,
      signal: context.signal,
      logger: context.logger,
      http: (options) => deps.http(options, context.logger),
      deployments: { latest: () => latestDeployments(db) },
      core: deps.core,
    });
    const results = (Array.isArray(output) ? output : [output]).map(toKeyResult);
    const worst = worstOf(results.map((result) => result.status));
    const summary = summarise(results);
    const recorded = await db.transaction(async (client) => {
      await setResult(client, entry.id, runId, { status: worst, message: summary });
      const book = await deps.alerts.record(
        client,
        {
          check: entry.id,
          kind: 'inspection',
          runId,
          ...(entry.owner !== 'core' ? { source: entry.owner } : {}),
          ...(entry.inspection.thresholds ? { thresholds: entry.inspection.thresholds } : {}),
        },
        results,
      );
      await finishRun(client, entry.id, runId, 'completed');
      return book;
    });
    deps.alerts.announce(recorded);
    announce('completed', worst);
    return {
      summary: `${results.length} key(s), worst ${worst}; ${recorded.transitions.length} transition(s)`,
      details: {
        runId,
        keys: results.length,
        worst,
        transitions: recorded.transitions.map((t) => `${t.transition} ${t.key}`),
      },
      notify: false,
    };
  } catch (error) {
    const info = deps.redactor.redactDeep(errorInfo(error));
    const timedOut = context.signal.aborted;
    await db.transaction(async (client) => {
      await setResult(client, entry.id, runId, { status: 'error', message: `the inspection failed: ${info.message}` });
      await addRunErrors(client, entry.id, runId, [
        { error: timedOut ? 'timed out' : info.message, detail: info.reason ?? info.code ?? null },
      ]);
      await finishRun(client, entry.id, runId, timedOut ? 'timed_out' : 'completed');
    });
    announce(timedOut ? 'timed_out' : 'completed', 'error');
    throw error;
  }
}

/** Checks what an inspection returned: a known status, a one-line title, a message within 64 KiB, text dimensions. */
function toKeyResult(event: InspectionEvent): KeyResult {
  if (!event || !(CHECK_STATUSES as readonly string[]).includes(event.status)) {
    throw new Error(
      `an inspection event has status ${JSON.stringify(event?.status)}; expected one of ${CHECK_STATUSES.join(', ')}`,
    );
  }
  const dimensions = Object.fromEntries(
    Object.entries(event.dimensions ?? {}).map(([name, value]) => [name, String(value)]),
  );
  return {
    dimensions,
    status: event.status,
    title: String(event.title ?? '')
      .replace(/\s*[\r\n]+\s*/g, ' ')
      .slice(0, 300),
    message: truncateBytes(String(event.message ?? ''), MAX_MESSAGE_BYTES),
    slackChannels: event.slackChannels ?? [],
  };
}

export function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  const cut = Buffer.from(text)
    .subarray(0, max - 20)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${cut}\n\n…(truncated)`;
}

/** The run's message: counts per status, then the keys that are not ok, worst first. */
function summarise(results: KeyResult[]): string {
  const counts = CHECK_STATUSES.map(
    (status) => [status, results.filter((r) => r.status === status).length] as const,
  ).filter(([, n]) => n > 0);
  const lines = [`${results.length} key(s): ${counts.map(([status, n]) => `${n} ${status}`).join(', ') || 'none'}`];
  const bad = results
    .filter((r) => severity(r.status) >= severity('warning'))
    .sort((a, b) => severity(b.status) - severity(a.status));
  for (const result of bad.slice(0, 100)) lines.push(`- **${result.status}** ${result.title}`);
  if (bad.length > 100) lines.push(`- … and ${bad.length - 100} more`);
  return truncateBytes(lines.join('\n'), MAX_MESSAGE_BYTES);
}
