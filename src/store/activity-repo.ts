import type pg from 'pg';
import type { Db } from './db.js';

/** The channel every replica NOTIFYs after writing activity rows, and every stream server LISTENs on. */
export const ACTIVITY_CHANNEL = 'alvares_activity';
const WRITE_LOCK = 'alvares:activity-write';

export interface ActivityRow {
  id: string;
  kind: string;
  data: unknown;
}

/**
 * Appends what a replica's stream saw, in one statement, then NOTIFYs. Readers take rows with id > the last
 * they saw, so ids must become visible in order: a transaction lock taken before the ids are drawn, held to
 * the commit, makes concurrent writers (other replicas) commit in id order. One batch a few times a second
 * per replica, so the wait is short; ingest never takes this lock.
 */
export async function appendActivity(db: Db, items: Array<{ kind: string; data: unknown }>): Promise<void> {
  if (items.length === 0) return;
  await db.transaction(async (client) => {
    // The feed is for browsers (an unlogged table: a crash empties it anyway), so its commit need not wait
    // for the WAL flush; ingest's and deliveries' commits then do not queue behind the feed's.
    await client.query('set local synchronous_commit = off');
    await client.query({ name: 'alvares:activity-lock', text: 'select pg_advisory_xact_lock(hashtext($1))', values: [WRITE_LOCK] });
    await client.query({
      name: 'alvares:activity-append',
      text: `insert into status_activity (kind, data) select k, d from unnest($1::text[], $2::jsonb[]) as t(k, d)`,
      values: [items.map((item) => item.kind), items.map((item) => JSON.stringify(item.data))],
    });
    await client.query({ name: 'alvares:activity-notify', text: 'select pg_notify($1, $2)', values: [ACTIVITY_CHANNEL, ''] });
  });
}

/** Rows after `afterId`, oldest first. */
export async function readActivity(db: Db, afterId: string, limit: number): Promise<ActivityRow[]> {
  const rows = await db.query<{ id: string; kind: string; data: unknown }>({
    name: 'alvares:activity-read',
    // Ordered by the bigint column itself: `order by id` would sort the text output column ('100' < '98').
    text: 'select a.id::text as id, a.kind, a.data from status_activity a where a.id > $1::bigint order by a.id limit $2',
    values: [afterId, limit],
  });
  return rows.rows;
}

/** The newest id written so far ('0' for none): where a stream without Last-Event-ID starts. */
export async function lastActivityId(db: Db): Promise<string> {
  const rows = await db.query<{ id: string | null }>('select max(id)::text as id from status_activity');
  return rows.rows[0]?.id ?? '0';
}

/**
 * A connection of its own that LISTENs for new activity. It is kept out of the pool's rotation for as long as
 * the listener lives; `close` unlistens and gives it back. A lost connection calls `onLost` (the caller
 * reconnects after a pause).
 */
export async function listenActivity(db: Db, onNotify: () => void, onLost: (error: Error) => void): Promise<() => Promise<void>> {
  const client: pg.PoolClient = await db.pool.connect();
  let closed = false;
  const notified = (message: pg.Notification) => {
    if (message.channel === ACTIVITY_CHANNEL) onNotify();
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
  await client.query(`listen ${ACTIVITY_CHANNEL}`);
  return async () => {
    if (closed) return;
    closed = true;
    client.off('notification', notified);
    client.off('error', lost);
    await client.query(`unlisten ${ACTIVITY_CHANNEL}`).catch(() => undefined);
    client.release();
  };
}

/** Activity older than `hours`: the feed is for reconnecting browsers, not history. */
export async function pruneActivity(db: Db, hours: number): Promise<number> {
  const result = await db.query('delete from status_activity where at < now() - make_interval(hours => $1)', [hours]);
  return result.rowCount ?? 0;
}
