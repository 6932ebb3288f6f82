import type { RunView } from '../store/check-runs-repo.js';

/**
 * What the page shows of checks and inspections, as a small read model the page renders
 * without knowing where it comes from. Until checks land the hub gives no source and the page says
 * "no checks yet"; the checks work plugs `checks` in (src/hub.ts) and the overview and schedules views
 * fill in with no change here.
 */
export interface CheckState {
  kind: 'check' | 'inspection';
  name: string;
  /** The check's own words: ok, failing, warning, unknown… (shown as a badge). */
  state: string;
  /** When it entered this state. */
  since: string | null;
  /** A run in progress: shown with a spinner and its elapsed time. */
  runningSince?: string | null;
  lastRunAt?: string | null;
  summary?: string | null;
  /** Inspection parameters, shown as they are (secrets already hidden by the source). */
  parameters?: Record<string, unknown> | null;
}

export interface CheckSource {
  checks(): Promise<CheckState[]>;
  /** One check's latest runs, newest first; null for a check that does not exist. */
  runs?(name: string, limit: number): Promise<RunView[] | null>;
}
