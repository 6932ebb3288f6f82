import { DeliveryError } from '../../src/module-api.js';

/**
 * Slack asks for about one message per second per channel. Calls for one channel are chained: each waits
 * for the previous one and then `intervalMs` more (or the Retry-After of a 429, which holds the channel
 * for everyone). In-process only: replicas each keep their own pace, which Slack's burst allowance absorbs.
 */
export class ChannelPacer {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly intervalMs: number) {}

  /** Runs `task` in its channel's turn. A delivery that timed out while waiting gives up its turn unrun. */
  run<T>(channel: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    // Pacing off (0): nothing to wait for, so posts to one channel run side by side instead of in a chain.
    if (this.intervalMs <= 0) return task();
    const previous = this.tails.get(channel) ?? Promise.resolve();
    const result = previous.then(() => {
      if (signal?.aborted) throw new DeliveryError(`gave up waiting for ${channel}'s turn`, { code: 'HUB_ERR_TIMEOUT' });
      return task();
    });
    const tail = result.then(
      () => sleep(this.intervalMs),
      (error: unknown) => sleep(Math.max(this.intervalMs, error instanceof DeliveryError ? (error.retryAfterMs ?? 0) : 0)),
    );
    this.tails.set(channel, tail);
    // Forget idle channels so the map does not grow with every channel ever posted to.
    void tail.then(() => {
      if (this.tails.get(channel) === tail) this.tails.delete(channel);
    });
    return result;
  }
}

function sleep(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
