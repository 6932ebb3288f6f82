import { HubError } from '../errors.js';
import type { RunView } from '../store/check-runs-repo.js';
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
        return page.kind === 'module' ? null : (page.runs as RunView[]);
      } catch (error) {
        if (error instanceof HubError && error.status === 404) return null;
        throw error;
      }
    },
  };
}

function toState(check: CheckView): CheckState {
  const state =
    check.alert.state === 'alerting' ? (check.alert.status ?? 'error') : (check.lastResult?.status ?? 'unknown');
  return {
    kind: check.kind === 'inspection' ? 'inspection' : 'check',
    name: check.name,
    state,
    since: check.alert.since ?? check.lastResult?.at ?? null,
    runningSince: check.inProgress > 0 ? check.openSince : null,
    lastRunAt: check.lastResult?.at ?? null,
    summary: check.lastResult?.message ?? check.description,
  };
}
