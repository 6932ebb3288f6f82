import type pg from 'pg';
import type { Db } from './db.js';

/** The channel every replica NOTIFYs after writing activity rows, and every stream server LISTENs on. */
export const FEED_CHANNEL = 'alvares_activity';
const WRITE_LOCK = 'alvares:activity-write';

export interface FeedRow {
  id: string;
  kind: string;
  data: unknown;
}

/**
 * Ids of what the feed says are row id × ITEMS_PER_ROW + the item's place in its row: one row holds one write's
 * batch (up to ITEMS_PER_ROW − 1 items), so a busy hub adds a row every few dozen milliseconds rather than one
 * per delivery change, and ids still grow in the order things were written.
 */
export const ITEMS_PER_ROW = 10_000;

/**
 * Appends what a replica's stream saw, as one row, and NOTIFYs: one statement. Readers take items with id >
 * the last they saw, so ids must become visible in order: a transaction lock taken before the id is drawn (the
 * row is made from the select that takes it), held to the commit, makes concurrent writers (other replicas)
 * commit in id order. One batch a few times a second per replica, so the wait is short; ingest never takes
 * this lock. `db` should be the store's feedDb, whose commits do not wait for the WAL flush.
 */
export async function appendFeedItems(db: Db, items: Array<{ kind: string; data: unknown }>): Promise<void> {
  if (items.length === 0) return;
  if (items.length >= ITEMS_PER_ROW) throw new Error(`at most ${ITEMS_PER_ROW - 1} activity items in one row`);
  await db.query({
    name: 'alvares:activity-append',
    text: `with appended as (
       insert into status_activity (kind, data)
       select 'batch', $1::jsonb from (select pg_advisory_xact_lock(hashtext($2))) as locked
       returning id
     )
     select pg_notify($3, '') from appended`,
    values: [JSON.stringify(items), WRITE_LOCK, FEED_CHANNEL],
  });
}

/**
 * The items of each row, numbered. A row written before rows held batches (one item, its kind in the column)
 * reads as a batch of one, so replicas of either kind can share the feed while they are upgraded.
 */
const ITEMS = `
  select (a.id * ${ITEMS_PER_ROW} + i.n - 1) as id, i.item->>'kind' as kind, i.item->'data' as data
  from status_activity a
  cross join lateral jsonb_array_elements(
    case when a.kind = 'batch' then a.data else jsonb_build_array(jsonb_build_object('kind', a.kind, 'data', a.data)) end
  ) with ordinality as i(item, n)`;

/** Items after `afterId`, oldest first. */
export async function readFeed(db: Db, afterId: string, limit: number): Promise<FeedRow[]> {
  const rows = await db.query<{ id: string; kind: string; data: unknown }>({
    name: 'alvares:activity-read',
    // The row filter lets the primary key find the rows; the item filter drops the first row's items already seen.
    // Ordered by the bigint itself: `order by id` would sort the text output column ('100' < '98').
    text: `select t.id::text as id, t.kind, t.data from (${ITEMS} where a.id >= $1::bigint / ${ITEMS_PER_ROW}) t
           where t.id > $1::bigint order by t.id limit $2`,
    values: [afterId, limit],
  });
  return rows.rows;
}

/** The newest id written so far ('0' for none): where a stream without Last-Event-ID starts. */
export async function lastFeedId(db: Db): Promise<string> {
  const rows = await db.query<{ id: string | null }>(
    `select max(t.id)::text as id from (${ITEMS} where a.id = (select max(id) from status_activity)) t`,
  );
  return rows.rows[0]?.id ?? '0';
}

/**
 * A connection of its own that LISTENs for new activity. It is kept out of the pool's rotation for as long as
 * the listener lives; `close` unlistens and gives it back. A lost connection calls `onLost` (the caller
 * reconnects after a pause).
 */
export async function listenFeed(
  db: Db,
  onNotify: () => void,
  onLost: (error: Error) => void,
): Promise<() => Promise<void>> {
  const client: pg.PoolClient = await db.pool.connect();
  let closed = false;
  const notified = (message: pg.Notification) => {
    if (message.channel === FEED_CHANNEL) onNotify();
  };
  const lost = (error: Error) => {
    if (closed) return;
    closed = true;
    client.off('notification', notified);
    client.release(error);
    onLost(error);
  };
  client.on('notification', notified);
  client.on('error', lost);
  await client.query(`listen ${FEED_CHANNEL}`);
  return async () => {
    if (closed) return;
    closed = true;
    client.off('notification', notified);
    client.off('error', lost);
    await client.query(`unlisten ${FEED_CHANNEL}`).catch(() => undefined);
    client.release();
  };
}

/** Activity older than `hours`: the feed is for reconnecting browsers, not history. */
export async function pruneFeed(db: Db, hours: number): Promise<number> {
  const result = await db.query('delete from status_activity where at < now() - make_interval(hours => $1)', [hours]);
  return result.rowCount ?? 0;
}
