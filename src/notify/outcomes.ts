import type { PostOutcome } from './poster.js';
import { DeliveryDeferral, DeliveryError } from '../errors.js';
import type { Logger } from '../logging/logger.js';

/**
 * How a delivery ends when it posted to several addresses side by side: the rules that turn each address's
 * outcome into the delivery's (a retry, a death, a deferral).
 */

/** Deliveries waiting for one address's turn wake spread over this much, not all in the same instant. */
const WAKE_JITTER_MS = 150;

/**
 * One address's failure does not stop the others. Afterwards: anything retryable makes the delivery retry
 * (done addresses are skipped next time); only permanent failures left means the delivery is dead.
 * `words` name the provider and its addresses in the log and the error ("slack", "channels").
 */
export function throwFailures(
  results: PromiseSettledResult<unknown>[],
  channels: string[],
  logger: Logger,
  words: { provider: string; addresses: string },
): void {
  const failures: Array<{ channel: string; error: DeliveryError }> = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const error =
      result.reason instanceof DeliveryError
        ? result.reason
        : new DeliveryError(String((result.reason as Error)?.message ?? result.reason));
    failures.push({ channel: channels[index]!, error });
  });
  if (failures.length === 0) return;
  for (const { channel, error } of failures) {
    logger.warn(`${words.provider} call failed`, {
      address: channel,
      code: error.code,
      reason: error.reason,
      permanent: error.permanent,
      error: error.message,
    });
  }
  if (failures.length === 1) throw failures[0]!.error;
  const retryable = failures.filter(({ error }) => !error.permanent);
  const leading = (retryable[0] ?? failures[0]!).error;
  const retryAfter = Math.max(0, ...retryable.map(({ error }) => error.retryAfterMs ?? 0));
  throw new DeliveryError(
    `${failures.length} of ${channels.length} ${words.addresses} failed: ${failures.map(({ error }) => error.message).join('; ')}`,
    {
      permanent: retryable.length === 0,
      code: leading.code,
      reason: leading.reason,
      status: leading.status,
      ...(retryAfter > 0 ? { retryAfterMs: retryAfter } : {}),
    },
  );
}

/** Some address's turn has not come: the delivery runs again then, holding no worker meanwhile. */
export function deferWaiting(results: PromiseSettledResult<PostOutcome>[]): void {
  const waits = results.flatMap((result) =>
    result.status === 'fulfilled' && result.value.kind === 'wait' ? [result.value] : [],
  );
  if (waits.length === 0) return;
  const first = waits.reduce((soonest, wait) => (wait.ms < soonest.ms ? wait : soonest));
  throw new DeliveryDeferral(first.ms + Math.floor(Math.random() * WAKE_JITTER_MS), `waiting for ${first.why}`);
}
