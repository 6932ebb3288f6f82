/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of many
 * deliveries that failed together (an outage) spread out instead of returning as one wave.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
