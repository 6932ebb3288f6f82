import type { CheckStatus, TransitionName } from './types.js';

/** Worst last: the order escalation follows (warning → error → critical). */
export const CHECK_STATUSES: readonly CheckStatus[] = ['ok', 'info', 'warning', 'error', 'critical'];

export function severity(status: CheckStatus): number {
  return CHECK_STATUSES.indexOf(status);
}

/** `warning` or worse: a result that counts towards an alert. */
export function isBad(status: CheckStatus): boolean {
  return severity(status) >= severity('warning');
}

export function worstOf(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((worst, status) => (severity(status) > severity(worst) ? status : worst), 'ok');
}

export interface Thresholds {
  /** Consecutive bad results before an alert (default 2). */
  alertAfter: number;
  /** Consecutive ok/info results before a raised alert recovers (default 2). */
  recoverAfter: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { alertAfter: 2, recoverAfter: 2 };

/** One key's alert state, as kept in PostgreSQL between runs (and replicas, and restarts). */
export interface AlertState {
  /** The latest result's status. */
  status: CheckStatus;
  /** Raised: the status it was raised or last escalated at; null while not alerting. */
  alertStatus: CheckStatus | null;
  badStreak: number;
  goodStreak: number;
  /** When the raised alert began; null while not alerting. */
  since: string | null;
}

export interface Step {
  state: AlertState;
  transition: TransitionName | null;
  /** The status of the result before this one (null for a key's first result). */
  previousStatus: CheckStatus | null;
  /** The alert's start, kept for a recovery (the state forgets it). */
  alertSince: string | null;
}

/**
 * Alert on change only. A key alerts after `alertAfter` consecutive bad results, escalates when a result is
 * worse than the status it alerted (or last escalated) at, and recovers after `recoverAfter` consecutive good
 * results. Anything else changes counters only. A key seen for the first time starts from nothing, so its
 * first result never alerts unless `alertAfter` is 1; a restart keeps the state, so it raises nothing new.
 */
export function nextAlertState(
  previous: AlertState | null,
  status: CheckStatus,
  at: string,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): Step {
  const before: AlertState = previous ?? { status: 'ok', alertStatus: null, badStreak: 0, goodStreak: 0, since: null };
  const bad = isBad(status);
  const state: AlertState = {
    status,
    alertStatus: before.alertStatus,
    badStreak: bad ? before.badStreak + 1 : 0,
    goodStreak: bad ? 0 : before.goodStreak + 1,
    since: before.since,
  };
  const previousStatus = previous ? previous.status : null;
  let transition: TransitionName | null = null;
  let alertSince = before.since;
  if (before.alertStatus === null) {
    if (bad && state.badStreak >= thresholds.alertAfter) {
      transition = 'alert';
      state.alertStatus = status;
      state.since = at;
      alertSince = at;
    }
  } else if (bad && severity(status) > severity(before.alertStatus)) {
    transition = 'escalated';
    state.alertStatus = status;
  } else if (!bad && state.goodStreak >= thresholds.recoverAfter) {
    transition = 'recovered';
    state.alertStatus = null;
    state.since = null;
  }
  return { state, transition, previousStatus, alertSince };
}

/** A key's name: the check and its dimensions, sorted, so the same dimensions always make the same key. */
export function keyOf(check: string, dimensions: Record<string, string>): string {
  const parts = Object.keys(dimensions)
    .sort()
    .map((name) => `${name}=${dimensions[name]}`);
  return parts.length > 0 ? `${check}{${parts.join(',')}}` : check;
}
