import { CORE_MIGRATIONS } from '../../src/store/core-migrations.js';
import { appendFeedItems, ITEMS_PER_ROW } from '../../src/store/feed-repo.js';
import { createDb, type Db } from '../../src/store/db.js';
import { runMigrations } from '../../src/store/migrate.js';
import { LiveFeed } from '../../src/status-page/live-feed.js';
import { capturedLogger } from '../support/captured-logger.js';
import { createTestDatabase } from '../support/database.js';
import { waitFor } from '../support/hub.js';

/** What a stream was sent, frame by frame: `[id, seq]` of every item (each item's data carries its seq). */
function collector() {
  const got: Array<[bigint, number]> = [];
  let gaps = 0;
  return {
    got,
    gaps: () => gaps,
    send: (frames: string) => {
      for (const frame of frames.split('\n\n').filter(Boolean)) {
        const id = /^id: (\d+)$/m.exec(frame)![1]!;
        const data = JSON.parse(/^data: (.*)$/m.exec(frame)![1]!) as { seq: number };
        got.push([BigInt(id), data.seq]);
      }
    },
    gap: () => {
      gaps += 1;
    },
  };
}

async function write(db: Db, from: number, count: number, perRow: number): Promise<void> {
  for (let start = from; start < from + count; start += perRow) {
    const items = Array.from({ length: Math.min(perRow, from + count - start) }, (_, i) => ({
      kind: 'test.item',
      data: { seq: start + i },
    }));
    await appendFeedItems(db, items);
  }
}

/**
 * The live feed's ids are sparse: one row holds one write's batch, its items numbered from row id ×
 * ITEMS_PER_ROW. A stream that comes back must get every item it missed exactly once and in order, from the
 * table for what the feed's ring no longer holds, and a `gap` when it missed too much.
 */
describe('the live feed over batched rows', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Db;
  let feed: LiveFeed | null = null;

  beforeEach(async () => {
    database = await createTestDatabase();
    db = createDb(database.url, { max: 4 });
    await runMigrations(db, [{ owner: 'core', migrations: CORE_MIGRATIONS }]);
  });
  afterEach(async () => {
    await feed?.stop();
    feed = null;
    await db.close();
    await database.drop();
  });

  it('numbers the items of a row from its id and reads them back in order, from any place in a row', async () => {
    await write(db, 0, 7, 3);
    feed = new LiveFeed(db, capturedLogger().logger);
    await feed.start();
    const rowIds = (await db.query<{ id: string }>('select id::text from status_activity order by id')).rows.map(
      (row) => BigInt(row.id),
    );
    expect(rowIds).toHaveLength(3);
    // The newest item: the third row's first (and only) item.
    expect(feed.lastId).toBe((rowIds[2]! * BigInt(ITEMS_PER_ROW)).toString());

    const fromMiddle = collector();
    // After the first row's second item: the rest of that row, then the others.
    feed.subscribe((rowIds[0]! * BigInt(ITEMS_PER_ROW) + 1n).toString(), fromMiddle.send, fromMiddle.gap);
    await waitFor(() => fromMiddle.got.length === 5);
    expect(fromMiddle.got.map(([, seq]) => seq)).toEqual([2, 3, 4, 5, 6]);
    expect(fromMiddle.got.map(([id]) => id)).toEqual(
      [...fromMiddle.got.map(([id]) => id)].sort((a, b) => (a < b ? -1 : 1)),
    );
  });

  it('replays from the table what the ring let go, then joins the live items, each once', async () => {
    feed = new LiveFeed(db, capturedLogger().logger);
    await feed.start();
    // More than the ring keeps (5,000), in rows of 1,500: the feed reads them as they come.
    await write(db, 0, 7_500, 1_500);
    await waitFor(
      () => feed!.lastId !== '0' && BigInt(feed!.lastId) % BigInt(ITEMS_PER_ROW) === 1_499n,
      10_000,
      'the feed read every row',
    );

    const late = collector();
    feed.subscribe('0', late.send, late.gap);
    await write(db, 7_500, 10, 10);
    await waitFor(() => late.got.length >= 7_510, 10_000, 'the stream caught up and got the new items');
    expect(late.gaps()).toBe(0);
    expect(late.got.map(([, seq]) => seq)).toEqual(Array.from({ length: 7_510 }, (_, i) => i));
  });

  it('sends a gap instead of more than 20,000 missed items', async () => {
    await write(db, 0, 21_000, 1_999);
    feed = new LiveFeed(db, capturedLogger().logger);
    await feed.start();
    const far = collector();
    feed.subscribe('0', far.send, far.gap);
    await waitFor(() => far.gaps() === 1, 10_000, 'a gap');
    // Nothing of what it missed, then live items only, from where the feed is.
    await write(db, 21_000, 2, 2);
    await waitFor(() => far.got.some(([, seq]) => seq === 21_001));
    expect(far.got.map(([, seq]) => seq)).toEqual([21_000, 21_001]);
  });
});
