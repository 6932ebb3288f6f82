import type { Db } from './db.js';
import { findDeliveries, isUuid, type DeliveryView } from './delivery-views.js';

export interface EventView {
  id: string;
  type: string;
  receivedAt: string;
  parentId: string | null;
  /** Who sent it, when ingest needs credentials (an INGEST_TOKENS name, `hmac`). */
  sender: string | null;
  /** The adapter an ingested event came through: `aspen`, `cdevents`, `github`, `gitlab`; null for derived events. */
  source: string | null;
  stormOf: string | null;
  payload: unknown;
  raw: unknown;
  deliveries: DeliveryView[];
  /** Events derived from this one (check outcomes announced on the bus). */
  children: Array<{ id: string; type: string; receivedAt: string }>;
}

/** Which of `ids` are events of this hub (a CloudEvent naming one is the hub's own, come back). */
export async function knownEventIds(db: Db, ids: string[]): Promise<Set<string>> {
  const uuids = ids.filter(isUuid);
  if (uuids.length === 0) return new Set();
  const rows = await db.query<{ id: string }>('select id from events where id = any($1::uuid[])', [uuids]);
  return new Set(rows.rows.map((row) => row.id));
}

export async function findEvent(db: Db, id: string): Promise<EventView | null> {
  if (!isUuid(id)) return null;
  const event = await db.query<{
    id: string;
    type: string;
    received_at: Date;
    parent_id: string | null;
    sender: string | null;
    storm_of: string | null;
    payload: unknown;
    raw: unknown;
    source: string | null;
  }>(
    `select id, type, received_at, parent_id, sender, storm_of, payload, raw,
       -- before sources were recorded, every ingested event was Aspen's JSON
       coalesce(source, case when type in ('deployment', 'error', 'recommendation') and parent_id is null then 'aspen' end) as source
     from events where id = $1`,
    [id],
  );
  const row = event.rows[0];
  if (!row) return null;
  const deliveries = await findDeliveries(db, { eventId: id });
  const children = await db.query<{ id: string; type: string; received_at: Date }>(
    'select id, type, received_at from events where parent_id = $1 order by received_at, id',
    [id],
  );
  return {
    id: row.id,
    type: row.type,
    receivedAt: row.received_at.toISOString(),
    parentId: row.parent_id,
    sender: row.sender,
    source: row.source,
    stormOf: row.storm_of,
    payload: row.payload,
    raw: row.raw,
    deliveries,
    children: children.rows.map((child) => ({
      id: child.id,
      type: child.type,
      receivedAt: child.received_at.toISOString(),
    })),
  };
}
