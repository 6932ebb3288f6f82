import type { RunView } from '../store/check-runs-repo.js';

/**
 * What the page shows of checks and inspections, as a small read model the page renders without knowing
 * where it comes from (src/status-page/check-source.ts fills it from the check catalogue).
 */
export interface CheckState {
  kind: 'check' | 'inspection';
  name: string;
  /** How it stands now: the alert's status while any key is in alert, else the latest result's; `unknown` before any. */
  state: string;
  /** Since when: the alert's start, else the latest result's time. */
  since: string | null;
  /** A run in progress: shown with a spinner and its elapsed time. */
  runningSince?: string | null;
  lastRunAt?: string | null;
  /** One line that agrees with `state` (keys in alert, then the latest run's headline). */
  summary?: string | null;
  /** Keys (targets) it has results for, and how many of them are in alert. */
  keys?: number;
  alertingKeys?: number;
  /** Inspection parameters, shown as they are (secrets already hidden by the source). */
  parameters?: Record<string, unknown> | null;
}

export interface CheckSource {
  checks(): Promise<CheckState[]>;
  /** One check's latest runs, newest first; null for a check that does not exist. */
  runs?(name: string, limit: number): Promise<RunView[] | null>;
}
