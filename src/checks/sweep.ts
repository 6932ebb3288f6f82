import { randomUUID } from 'node:crypto';
import type { CheckResult } from '../events/types.js';
import type { ScheduledWork } from '../module-system/contract.js';
import { addRunErrors, finishRun, setResult, startRun, timeOutRuns } from '../store/check-runs-repo.js';
import type { Db } from '../store/db.js';
import { claimMissedReports, findCheck, type ExternalCheck } from '../store/external-checks-repo.js';
import type { AlertBook } from './alert-book.js';
import { keyDimensions, titleOf } from './external-checks.js';

/**
 * The core's `core.checks` schedule: runs in progress past their check's maxRuntimeSeconds become timed_out
 * with an error, and an external check silent for longer than expectEverySeconds (plus 10%, at least 60 s)
 * gets a `critical` "no report" run. Each statement takes what it changes, so whichever replica runs the
 * tick does it once. Both feed the alert state machine: a timed-out run counts as an `error`.
 */
export function checkSweepSchedule(deps: { db: Db; alerts: AlertBook }): ScheduledWork {
  return {
    name: 'checks',
    cron: '* * * * *',
    async run(): Promise<CheckResult> {
      const { db, alerts } = deps;
      const timedOut = await timeOutRuns(db);
      for (const run of timedOut.filter((r) => r.kind === 'external')) {
        const check = await findCheck(db.pool, run.check);
        const recorded = await db.transaction((client) =>
          alerts.record(client, { check: run.check, kind: 'external', runId: run.runId }, [
            {
              dimensions: keyDimensions(run),
              status: 'error',
              title: `${titleOf(run)} – timed out`,
              message: `The run was still in progress after its maxRuntimeSeconds.`,
              slackChannels: check?.slackChannels ?? [],
            },
          ]),
        );
        alerts.announce(recorded);
      }
      const missed = await claimMissedReports(db);
      for (const check of missed) await recordMissed(deps, check);
      return {
        summary: `${timedOut.length} run(s) timed out, ${missed.length} missed report(s)`,
        details: { timedOut: timedOut.map((r) => `${r.check}/${r.runId}`), missed: missed.map((c) => c.name) },
        notify: false,
      };
    },
  };
}

async function recordMissed(deps: { db: Db; alerts: AlertBook }, check: ExternalCheck): Promise<void> {
  const id = randomUUID();
  const message = `No report for more than ${check.expectEverySeconds} s (expectEverySeconds); last report ${check.lastReportAt ?? 'never'}.`;
  const recorded = await deps.db.transaction(async (client) => {
    await startRun(client, {
      id,
      check: check.name,
      kind: 'external',
      externalId: id,
      maxRuntimeSeconds: check.maxRuntimeSeconds,
    });
    await setResult(client, check.name, id, { status: 'critical', message });
    await addRunErrors(client, check.name, id, [{ error: 'no report', detail: message }]);
    await finishRun(client, check.name, id, 'completed');
    return deps.alerts.record(client, { check: check.name, kind: 'external', runId: id }, [
      {
        dimensions: {},
        status: 'critical',
        title: `${check.name}: no report`,
        message,
        slackChannels: check.slackChannels,
      },
    ]);
  });
  deps.alerts.announce(recorded);
}
