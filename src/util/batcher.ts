export interface BatcherOptions {
  /** How many batches may run at once. One gives the largest batches: everything that arrives while a
   * batch is running goes into the next one. */
  maxConcurrent?: number;
  maxBatch?: number;
  /**
   * How long a batch that could start now waits for company. 0 (the default) sends a lone item at once;
   * a few milliseconds gathers work whose callers are not waiting on a person (delivery bookkeeping).
   */
  lingerMs?: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for any statement that can take many rows at once: items arriving while a batch runs wait
 * for the next batch, so N concurrent callers cost one round trip rather than N, and an idle process adds
 * no delay at all (a lone item goes out at once). A round trip to PostgreSQL costs far more than the rows it
 * carries, so this is where ingest and delivery throughput comes from.
 *
 * `run` answers one output per item, in order. When a batch fails, each of its items is tried on its own, so
 * one bad row fails only its own caller.
 */
export class Batcher<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private running = 0;
  private readonly maxConcurrent: number;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private lingering: NodeJS.Timeout | null = null;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    options: BatcherOptions = {},
  ) {
    this.maxConcurrent = options.maxConcurrent ?? 1;
    this.maxBatch = options.maxBatch ?? 500;
    this.lingerMs = options.lingerMs ?? 0;
  }

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.kick();
    });
  }

  /** Nothing waiting and nothing running. */
  get idle(): boolean {
    return this.queue.length === 0 && this.running === 0;
  }

  /** A new item: with nothing running it may linger for company; otherwise it joins the next batch. */
  private kick(): void {
    if (this.lingerMs > 0 && this.running === 0 && this.queue.length < this.maxBatch) {
      this.lingering ??= setTimeout(() => {
        this.lingering = null;
        this.flushWaiting();
      }, this.lingerMs);
      return;
    }
    this.flushWaiting();
  }

  private flushWaiting(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.running += 1;
      void this.flush(batch).finally(() => {
        this.running -= 1;
        // What arrived meanwhile has waited long enough: it goes at once.
        this.flushWaiting();
      });
    }
  }

  private async flush(batch: Array<Pending<I, O>>): Promise<void> {
    try {
      const outputs = await this.run(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => pending.resolve(outputs[index]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((pending) => this.flush([pending])));
    }
  }
}
