import { HubError } from '../errors.js';
import type { CheckCatalog, CheckView } from '../checks/catalog.js';
import type { CheckSource, CheckState } from './read-model.js';

/** The page's view of the check model: inspections and external checks (modules have their own rows). */
export function checkSourceOf(catalog: CheckCatalog): CheckSource {
  return {
    async checks(): Promise<CheckState[]> {
      return (await catalog.list()).filter((check) => check.kind !== 'module').map(toState);
    },
    async runs(name: string, limit: number) {
      try {
        const page = await catalog.runs(name, limit);
        return page.kind === 'module' ? null : page.runs;
      } catch (error) {
        if (error instanceof HubError && error.status === 404) return null;
        throw error;
      }
    },
  };
}

function toState(check: CheckView): CheckState {
  const alerting = check.alert.state === 'alerting';
  const state = alerting ? (check.alert.status ?? 'error') : (check.lastResult?.status ?? 'unknown');
  return {
    kind: check.kind === 'inspection' ? 'inspection' : 'check',
    name: check.name,
    state,
    since: alerting ? check.alert.since : (check.lastResult?.at ?? null),
    runningSince: check.inProgress > 0 ? check.openSince : null,
    lastRunAt: check.lastResult?.at ?? null,
    summary: summaryOf(check, alerting),
    keys: check.alert.keys,
    alertingKeys: check.alert.alertingKeys,
  };
}

/**
 * A summary that agrees with the state: while keys are in alert it says how many, and when the latest run
 * was good it says the alert is waiting for enough good results to recover (a "critical" beside "7 ok").
 */
function summaryOf(check: CheckView, alerting: boolean): string | null {
  const headline = (check.lastResult?.message ?? '').split('\n')[0]!.trim() || null;
  if (!alerting) return headline ?? check.description;
  const { alertingKeys, keys, status } = check.alert;
  const inAlert = `${alertingKeys} of ${keys} key${keys === 1 ? '' : 's'} in alert (worst ${status ?? 'error'})`;
  const latest = check.lastResult?.status;
  // An inspection's run covers every key; an external check's run one target, so only a single-key one tells.
  const coversAll = check.kind === 'inspection' || keys === 1;
  if (!coversAll) return inAlert;
  if (latest === 'ok' || latest === 'info') return `${inAlert}; latest run good, recovering after enough good runs`;
  return headline ? `${inAlert}; latest run: ${headline}` : inAlert;
}
