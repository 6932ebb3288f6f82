import type { Logger } from '../logging/logger.js';
import { lastActivityId, listenActivity, readActivity } from '../store/activity-repo.js';
import type { Db } from '../store/db.js';

/** One row of the shared feed, its JSON made once for every open stream. */
export interface FeedItem {
  id: string;
  kind: string;
  json: string;
}

interface Subscriber {
  cursor: bigint;
  catchingUp: boolean;
  send: (items: FeedItem[]) => void;
}

const PAGE = 1_000;
/** Rows kept in memory: a browser back within this many changes is served without a query. */
const RING = 5_000;
/** A browser further behind than this gets a `gap` (reload your view) instead of every missed row. */
const MAX_REPLAY = 20_000;
const RELISTEN_MS = 1_000;

/**
 * This replica's reader of the activity every replica writes: one LISTEN connection and one query per
 * notification, however many browsers are connected, fanned out to each stream from the row after the
 * last one it was sent. A stream that starts behind (Last-Event-ID) is caught up from the table first and
 * joins the live rows without a gap or a repeat.
 */
export class LiveFeed {
  private last = 0n;
  private ring: Array<FeedItem & { n: bigint }> = [];
  private readonly subscribers = new Set<Subscriber>();
  private pulling: Promise<void> | null = null;
  private pullAgain = false;
  private unlisten: (() => Promise<void>) | null = null;
  private relisten: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.last = BigInt(await lastActivityId(this.db));
    await this.listen();
  }

  /** The newest row this replica has read: pages carry it so their stream starts where the render ended. */
  get lastId(): string {
    return this.last.toString();
  }

  get streams(): number {
    return this.subscribers.size;
  }

  /**
   * Sends every row after `afterId` (null: from now on), then each new one as it comes. Returns the
   * unsubscribe. An id ahead of the feed (an emptied table) is taken as now.
   */
  subscribe(afterId: string | null, send: (items: FeedItem[]) => void, gap: () => void): () => void {
    let cursor = afterId !== null && /^\d{1,19}$/.test(afterId) ? BigInt(afterId) : this.last;
    if (cursor > this.last) cursor = this.last;
    const subscriber: Subscriber = { cursor, catchingUp: true, send };
    this.subscribers.add(subscriber);
    void this.catchUp(subscriber, gap);
    return () => this.subscribers.delete(subscriber);
  }

  private async catchUp(subscriber: Subscriber, gap: () => void): Promise<void> {
    try {
      const ringStart = this.ring[0]?.n ?? this.last + 1n;
      if (subscriber.cursor + 1n < ringStart) {
        if (this.last - subscriber.cursor > BigInt(MAX_REPLAY)) {
          gap();
          subscriber.cursor = this.last;
        } else {
          let cursor = subscriber.cursor;
          while (this.subscribers.has(subscriber)) {
            const rows = await readActivity(this.db, cursor.toString(), PAGE);
            const items = rows.map((row) => ({ id: row.id, kind: row.kind, json: JSON.stringify(row.data) }));
            if (items.length > 0) subscriber.send(items);
            if (rows.length > 0) cursor = BigInt(rows.at(-1)!.id);
            if (rows.length < PAGE || cursor >= (this.ring[0]?.n ?? this.last + 1n) - 1n) break;
          }
          subscriber.cursor = cursor;
        }
      }
    } catch (error) {
      this.logger.warn('could not replay the live feed to a stream', { error: String(error) });
    }
    subscriber.catchingUp = false;
    this.deliver(subscriber);
  }

  private deliver(subscriber: Subscriber): void {
    if (subscriber.catchingUp || !this.subscribers.has(subscriber)) return;
    const first = this.ring.findIndex((item) => item.n > subscriber.cursor);
    if (first < 0) return;
    const items = this.ring.slice(first);
    subscriber.cursor = items.at(-1)!.n;
    try {
      subscriber.send(items);
    } catch (error) {
      this.subscribers.delete(subscriber);
      this.logger.debug('a stream went away mid-send', { error: String(error) });
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    try {
      this.unlisten = await listenActivity(this.db, () => this.pull(), (error) => {
        this.unlisten = null;
        this.logger.warn('live feed lost its LISTEN connection; listening again', { error: String(error) });
        this.scheduleRelisten();
      });
      // Rows written while nobody listened (a start, a lost connection) are read now.
      this.pull();
    } catch (error) {
      this.logger.warn('live feed could not LISTEN; trying again', { error: String(error) });
      this.scheduleRelisten();
    }
  }

  private scheduleRelisten(): void {
    if (this.stopped || this.relisten) return;
    this.relisten = setTimeout(() => {
      this.relisten = null;
      void this.listen();
    }, RELISTEN_MS);
    this.relisten.unref();
  }

  /** One read at a time; notifications arriving meanwhile make one more read, not one each. */
  private pull(): void {
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.pulling = this.readNew()
      .catch((error: unknown) => {
        this.logger.warn('live feed read failed', { error: String(error) });
      })
      .finally(() => {
        this.pulling = null;
        if (this.pullAgain && !this.stopped) {
          this.pullAgain = false;
          this.pull();
        }
      });
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const rows = await readActivity(this.db, this.last.toString(), PAGE);
      if (rows.length === 0) return;
      for (const row of rows) this.ring.push({ id: row.id, n: BigInt(row.id), kind: row.kind, json: JSON.stringify(row.data) });
      if (this.ring.length > RING) this.ring.splice(0, this.ring.length - RING);
      this.last = BigInt(rows.at(-1)!.id);
      for (const subscriber of this.subscribers) this.deliver(subscriber);
      if (rows.length < PAGE) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.relisten) clearTimeout(this.relisten);
    this.subscribers.clear();
    await this.unlisten?.();
    await this.pulling;
  }
}
