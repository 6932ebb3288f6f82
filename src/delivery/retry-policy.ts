/**
 * Whether a failed attempt gets another, and when: the one rule every delivery follows, kept pure so it is
 * tested on its own. A permanent failure goes dead at once; otherwise the upstream's Retry-After wins over
 * our backoff, and the delivery goes dead when its attempts run out or the next attempt would come after
 * its deadline (the module's maximum age).
 */
export type RetryDecision =
  { retry: true; at: Date } | { retry: false; reason: 'permanent' | 'attempts exhausted' | 'maximum age reached' };

export interface FailedAttempt {
  /** Attempts made so far, this one included. */
  attempts: number;
  maxAttempts: number;
  deadline: Date;
  permanent: boolean;
  retryAfterMs?: number;
}

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export function decideRetry(
  failed: FailedAttempt,
  backoff: Backoff,
  now = Date.now(),
  random: () => number = Math.random,
): RetryDecision {
  if (failed.permanent) return { retry: false, reason: 'permanent' };
  if (failed.attempts >= failed.maxAttempts) return { retry: false, reason: 'attempts exhausted' };
  const delay = failed.retryAfterMs ?? backoffDelay(failed.attempts, backoff.baseMs, backoff.maxMs, random);
  const at = new Date(now + delay);
  if (at > failed.deadline) return { retry: false, reason: 'maximum age reached' };
  return { retry: true, at };
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of many
 * deliveries that failed together (an outage) spread out instead of returning as one wave.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
