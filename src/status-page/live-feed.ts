import type { Logger } from '../logging/logger.js';
import { lastFeedId, listenFeed, readFeed } from '../store/feed-repo.js';
import type { Db } from '../store/db.js';

/** One row of the shared feed, as its server-sent-events frame, made once for every open stream. */
export interface FeedItem {
  id: string;
  n: bigint;
  frame: string;
}

/** `send` gets whole frames, several rows in one string: one socket write per read, not per row. */
interface Subscriber {
  cursor: bigint;
  catchingUp: boolean;
  send: (frames: string) => void;
}

/** Kinds and ids are ours (a dotted name, digits); the data is JSON, which has no raw newline. */
function toItem(row: { id: string; kind: string; data: unknown }): FeedItem {
  return {
    id: row.id,
    n: BigInt(row.id),
    frame: `event: ${row.kind}\nid: ${row.id}\ndata: ${JSON.stringify(row.data)}\n\n`,
  };
}

function frames(items: FeedItem[]): string {
  let text = '';
  for (const item of items) text += item.frame;
  return text;
}

const PAGE = 1_000;
/** Rows kept in memory: a browser back within this many changes is served without a query. */
const RING = 5_000;
/** A browser further behind than this many items gets a `gap` (reload your view) instead of every one missed. */
const MAX_REPLAY = 20_000;
const RELISTEN_MS = 1_000;
/**
 * Reads of new rows are at least this far apart: while the hub is busy, each read carries many rows, so
 * 50 open streams cost 50 writes per read rather than 50 per row. Well inside the page's 1 s budget.
 */
const READ_EVERY_MS = 100;

/**
 * This replica's reader of the activity every replica writes: one LISTEN connection and one query per
 * notification, however many browsers are connected, fanned out to each stream from the row after the
 * last one it was sent. A stream that starts behind (Last-Event-ID) is caught up from the table first and
 * joins the live rows without a gap or a repeat.
 */
export class LiveFeed {
  private last = 0n;
  /** Items up to this id are in the table only; every later one read so far is in the ring. */
  private floor = 0n;
  private ring: FeedItem[] = [];
  private lastRead = 0;
  private waiting: NodeJS.Timeout | null = null;
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
    this.last = BigInt(await lastFeedId(this.db));
    this.floor = this.last;
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
  subscribe(afterId: string | null, send: (frames: string) => void, gap: () => void): () => void {
    let cursor = afterId !== null && /^\d{1,19}$/.test(afterId) ? BigInt(afterId) : this.last;
    if (cursor > this.last) cursor = this.last;
    const subscriber: Subscriber = { cursor, catchingUp: true, send };
    this.subscribers.add(subscriber);
    void this.catchUp(subscriber, gap);
    return () => this.subscribers.delete(subscriber);
  }

  /**
   * Ids are sparse (a row's items are numbered from row id × ITEMS_PER_ROW), so what the ring lacks is told by
   * the floor, not by a difference of ids; how far behind a stream is, by the items read to catch it up.
   */
  private async catchUp(subscriber: Subscriber, gap: () => void): Promise<void> {
    try {
      let cursor = subscriber.cursor;
      // Gathered first: a stream that missed too much gets the gap alone, not part of what it missed.
      const missed: FeedItem[] = [];
      while (cursor < this.floor && this.subscribers.has(subscriber) && missed.length <= MAX_REPLAY) {
        const rows = await readFeed(this.db, cursor.toString(), PAGE);
        missed.push(...rows.map(toItem));
        if (rows.length > 0) cursor = BigInt(rows.at(-1)!.id);
        if (rows.length < PAGE) break;
      }
      if (missed.length > MAX_REPLAY) {
        gap();
        cursor = this.last;
      } else if (missed.length > 0) {
        subscriber.send(frames(missed));
      }
      subscriber.cursor = cursor;
    } catch (error) {
      this.logger.warn('could not replay the live feed to a stream', { error: String(error) });
    }
    subscriber.catchingUp = false;
    this.deliver(subscriber);
  }

  /** `made` shares one string among the streams that were at the same place (usually all of them). */
  private deliver(subscriber: Subscriber, made = new Map<number, string>()): void {
    if (subscriber.catchingUp || !this.subscribers.has(subscriber)) return;
    const newest = this.ring.at(-1);
    if (!newest || newest.n <= subscriber.cursor) return;
    let first = this.ring.length - 1;
    while (first > 0 && this.ring[first - 1]!.n > subscriber.cursor) first -= 1;
    let text = made.get(first);
    if (text === undefined) {
      text = frames(this.ring.slice(first));
      made.set(first, text);
    }
    subscriber.cursor = newest.n;
    try {
      subscriber.send(text);
    } catch (error) {
      this.subscribers.delete(subscriber);
      this.logger.debug('a stream went away mid-send', { error: String(error) });
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    try {
      this.unlisten = await listenFeed(
        this.db,
        () => this.pull(),
        (error) => {
          this.unlisten = null;
          this.logger.warn('live feed lost its LISTEN connection; listening again', { error: String(error) });
          this.scheduleRelisten();
        },
      );
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

  /** One read at a time, READ_EVERY_MS apart; notifications arriving meanwhile make one more read, not one each. */
  private pull(): void {
    if (this.pulling || this.waiting) {
      this.pullAgain = this.pullAgain || this.pulling !== null;
      return;
    }
    const wait = this.lastRead + READ_EVERY_MS - Date.now();
    if (wait > 0) {
      this.waiting = setTimeout(() => {
        this.waiting = null;
        this.pull();
      }, wait);
      this.waiting.unref();
      return;
    }
    this.lastRead = Date.now();
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
      const rows = await readFeed(this.db, this.last.toString(), PAGE);
      if (rows.length === 0) return;
      for (const row of rows) this.ring.push(toItem(row));
      if (this.ring.length > RING) this.floor = this.ring.splice(0, this.ring.length - RING).at(-1)!.n;
      this.last = BigInt(rows.at(-1)!.id);
      const made = new Map<number, string>();
      for (const subscriber of this.subscribers) this.deliver(subscriber, made);
      if (rows.length < PAGE) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.relisten) clearTimeout(this.relisten);
    if (this.waiting) clearTimeout(this.waiting);
    this.subscribers.clear();
    await this.unlisten?.();
    await this.pulling;
  }
}
