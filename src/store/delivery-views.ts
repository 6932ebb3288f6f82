import type { DeliveryStatus } from '../events/types.js';
import type { Db } from './db.js';

/**
 * The reads of deliveries: the admin routes' and the status page's lists, an event's deliveries with their
 * lifecycles, and a module's look at its own delivery. The writes are in deliveries-repo.ts.
 */

/** Where a module's own delivery of an event stands (ModuleContext.ownDelivery). */
export interface OwnDelivery {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
}

/**
 * A dead delivery whose message went to a route's fallback is left out of bulk replays: after an outage, replaying
 * every dead delivery would tell the fallback's messages a second time, hours late. Replayed by id, it is sent.
 */
export const NOT_FALLEN_BACK = `not exists (select 1 from deliveries f where f.event_id = d.event_id and f.fallback_for = d.id)`;

/** Ids of one module's deliveries in one state (a bulk replay of the dead ones), but those that fell back. */
export async function deliveryIdsOf(db: Db, module: string, status: DeliveryStatus): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select d.id from deliveries d where d.module = $1 and d.status = $2 and ${NOT_FALLEN_BACK}`,
    [module, status],
  );
  return rows.rows.map((row) => row.id);
}

/** One side of a fallback: the other delivery, its module, and why the switch was made ("slack went dead"). */
export interface FallbackLink {
  deliveryId: string;
  module: string;
  reason: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
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
  /** The silence that held it (a replay keeps it: it was held once). */
  suppressedBy: string | null;
  /** A stand-in (a route's fallback): the dead delivery it carries, its module, and why. */
  fallbackFor: FallbackLink | null;
  /** The stand-ins this delivery's messages went to when it could not deliver them. */
  fellBackTo: FallbackLink[];
  lifecycle: Array<{ at: string; status: string; attempt: number; detail: unknown }>;
}

/**
 * A delivery's lifecycle, oldest first: 'queued' when it was created, its log, then its current attempt from the
 * row (started, and ended unless it is still running). A failed or re-queued delivery's attempt is in the log.
 */
export const LIFECYCLE = `
  select coalesce(json_agg(json_build_object('at', s.at, 'status', s.status, 'attempt', s.attempt, 'detail', s.detail) order by s.at, s.seq), '[]')
  from (
    select d.created_at as at, 0::bigint as seq, 'queued'::text as status, 0 as attempt, null::jsonb as detail
    union all
    select l.at, l.id, l.status, l.attempt, l.detail from delivery_log l where l.delivery_id = d.id
    union all
    select d.started_at, 9223372036854775806, 'in_progress', d.attempts, null
      where d.status in ('in_progress', 'succeeded', 'dead', 'skipped', 'suppressed') and d.started_at is not null
    union all
    select d.finished_at, 9223372036854775807, d.status, d.attempts,
           case when d.status = 'succeeded' then null
                when d.status = 'suppressed' then jsonb_build_object('silenceId', d.suppressed_by)
                else d.last_error end
      where d.status in ('succeeded', 'dead', 'skipped', 'suppressed')
  ) s`;

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
  const rows = await db.query<{
    id: string;
    event_id: string;
    module: string;
    status: string;
    attempts: number;
    max_attempts: number;
    next_attempt_at: Date | null;
    started_at: Date | null;
    finished_at: Date | null;
    duration_ms: number | null;
    last_error: unknown;
    result: unknown;
    suppressed_by: string | null;
    fallback_for: string | null;
    fallback_from: string | null;
    fallback_reason: string | null;
    fell_back_to: FallbackLink[];
    lifecycle: DeliveryView['lifecycle'];
  }>(
    `select d.*, (${LIFECYCLE}) as lifecycle,
            (select coalesce(json_agg(json_build_object('deliveryId', f.id, 'module', f.module, 'reason', f.fallback_reason)
                                      order by f.created_at), '[]')
             from deliveries f where f.event_id = d.event_id and f.fallback_for = d.id) as fell_back_to
     from deliveries d ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
     order by d.created_at, d.module limit $${params.length}`,
    params,
  );
  return rows.rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
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
    suppressedBy: row.suppressed_by ?? null,
    fallbackFor: row.fallback_for
      ? { deliveryId: row.fallback_for, module: row.fallback_from ?? '', reason: row.fallback_reason ?? '' }
      : null,
    fellBackTo: row.fell_back_to,
    lifecycle: row.lifecycle,
  }));
}

export async function findOwnDelivery(db: Db, eventId: string, module: string): Promise<OwnDelivery | null> {
  if (!isUuid(eventId)) return null;
  const rows = await db.query<{ status: DeliveryStatus; attempts: number; next_attempt_at: Date | null }>(
    // Its own, not a stand-in it runs for another module's dead delivery.
    'select status, attempts, next_attempt_at from deliveries where event_id = $1 and module = $2 and fallback_for is null',
    [eventId, module],
  );
  const row = rows.rows[0];
  return row ? { status: row.status, attempts: row.attempts, nextAttemptAt: row.next_attempt_at } : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
