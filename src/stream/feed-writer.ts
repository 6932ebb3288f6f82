import type { Logger } from '../logging/logger.js';
import { appendFeedItems } from '../store/feed-repo.js';
import type { Db } from '../store/db.js';
import type { StreamItem, HubStream } from './hub-stream.js';

/** How long an item waits for company before its batch is written: the page's latency budget is 1 s. */
const LINGER_MS = 25;
const MAX_BATCH = 2_000;
/** Past this many unwritten rows (PostgreSQL slow or away) the oldest are dropped: the feed must never grow the heap without bound. */
const MAX_BUFFERED = 50_000;

/**
 * Writes every item of this replica's stream to the feed shared by every replica, so every replica's
 * `GET /api/v1/stream` can send it. Off the hot path: `emit` only pushes onto an array; one batch at a
 * time is written after a short linger, outside any ingest or delivery transaction. The feed is for
 * browsers: a failed write is logged and dropped (the page re-reads its state on the next item),
 * never retried in a way that could hold up the hub.
 */
export class FeedWriter {
  private buffer: Array<{ kind: string; data: unknown }> = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private dropped = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  start(stream: HubStream): void {
    this.unsubscribe = stream.onAny((item) => this.record(item));
  }

  private record(item: StreamItem): void {
    const { kind, ...data } = item;
    this.buffer.push({ kind, data });
    if (this.buffer.length > MAX_BUFFERED) {
      const excess = this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.writing = this.writeAll().finally(() => {
        this.writing = null;
        if (this.buffer.length > 0) this.schedule();
      });
    }, LINGER_MS);
    this.timer.unref();
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, MAX_BATCH);
      try {
        await appendFeedItems(this.db, batch);
      } catch (error) {
        this.dropped += batch.length;
        this.logger.warn('could not write the live feed; browsers miss these changes until their next reload', {
          rows: batch.length,
          error: String(error),
        });
        return;
      }
    }
    if (this.dropped > 0) {
      this.logger.warn('live feed rows dropped', { rows: this.dropped });
      this.dropped = 0;
    }
  }

  /** Stops listening and writes what is left (before the store closes). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.writing;
    await this.writeAll();
  }
}
