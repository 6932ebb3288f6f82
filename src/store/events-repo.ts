import type { DeliveryStatus } from '../events/types.js';
import type { OwnDelivery } from '../module-system/contract.js';
import type { Db } from './db.js';

export interface DeliveryView {
  id: string;
  module: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  lastError: unknown;
  result: unknown;
  lifecycle: Array<{ at: string; status: string; attempt: number; detail: unknown }>;
}

export interface EventView {
  id: string;
  type: string;
  receivedAt: string;
  parentId: string | null;
  stormOf: string | null;
  payload: unknown;
  raw: unknown;
  deliveries: DeliveryView[];
  /** Events derived from this one (check outcomes announced on the bus). */
  children: Array<{ id: string; type: string; receivedAt: string }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export async function findEvent(db: Db, id: string): Promise<EventView | null> {
  if (!isUuid(id)) return null;
  const event = await db.query(
    'select id, type, received_at, parent_id, storm_of, payload, raw from events where id = $1',
    [id],
  );
  const row = event.rows[0];
  if (!row) return null;
  const deliveries = await findDeliveries(db, { eventId: id });
  const children = await db.query(
    'select id, type, received_at from events where parent_id = $1 order by received_at, id',
    [id],
  );
  return {
    id: row.id,
    type: row.type,
    receivedAt: row.received_at.toISOString(),
    parentId: row.parent_id,
    stormOf: row.storm_of,
    payload: row.payload,
    raw: row.raw,
    deliveries,
    children: children.rows.map((child) => ({ id: child.id, type: child.type, receivedAt: child.received_at.toISOString() })),
  };
}

export async function findDeliveries(
  db: Db,
  filter: { eventId?: string; deliveryId?: string; module?: string; status?: string; limit?: number },
): Promise<DeliveryView[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.eventId) add('d.event_id = ?', filter.eventId);
  if (filter.deliveryId) add('d.id = ?', filter.deliveryId);
  if (filter.module) add('d.module = ?', filter.module);
  if (filter.status) add('d.status = ?', filter.status);
  params.push(filter.limit ?? 500);
  const rows = await db.query(
    `select d.*, coalesce((select json_agg(json_build_object('at', l.at, 'status', l.status, 'attempt', l.attempt,
                                                            'detail', l.detail) order by l.id)
                           from delivery_log l where l.delivery_id = d.id), '[]') as lifecycle
     from deliveries d ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
     order by d.created_at, d.module limit $${params.length}`,
    params,
  );
  return rows.rows.map((row) => ({
    id: row.id,
    module: row.module,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationMs: row.duration_ms,
    lastError: row.last_error,
    result: row.result,
    lifecycle: row.lifecycle,
  }));
}

export async function findOwnDelivery(db: Db, eventId: string, module: string): Promise<OwnDelivery | null> {
  if (!isUuid(eventId)) return null;
  const rows = await db.query<{ status: DeliveryStatus; attempts: number; next_attempt_at: Date | null }>(
    'select status, attempts, next_attempt_at from deliveries where event_id = $1 and module = $2',
    [eventId, module],
  );
  const row = rows.rows[0];
  return row ? { status: row.status, attempts: row.attempts, nextAttemptAt: row.next_attempt_at } : null;
}
