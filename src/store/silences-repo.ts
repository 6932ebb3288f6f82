import type { Db } from './db.js';
import { postgresJson } from '../util/text.js';

/** A silence as stored (src/silences/model.ts gives its rules). Times are ISO strings. */
export interface SilenceRecord {
  id: string;
  matchers: Partial<Record<string, string[]>>;
  startsAt: string;
  endsAt: string | null;
  recurrence: string | null;
  durationMinutes: number | null;
  timeZone: string | null;
  reason: string;
  createdBy: string;
  origin: 'api' | 'page' | 'file';
  createdAt: string;
  endedBy: string | null;
}

interface SilenceRow {
  id: string;
  matchers: Partial<Record<string, string[]>>;
  starts_at: Date;
  ends_at: Date | null;
  recurrence: string | null;
  duration_minutes: number | null;
  time_zone: string | null;
  reason: string;
  created_by: string;
  origin: 'api' | 'page' | 'file';
  created_at: Date;
  ended_by: string | null;
}

function toRecord(row: SilenceRow): SilenceRecord {
  return {
    id: row.id,
    matchers: row.matchers,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at?.toISOString() ?? null,
    recurrence: row.recurrence,
    durationMinutes: row.duration_minutes,
    timeZone: row.time_zone,
    reason: row.reason,
    createdBy: row.created_by,
    origin: row.origin,
    createdAt: row.created_at.toISOString(),
    endedBy: row.ended_by,
  };
}

/**
 * Stores a new silence, or, when its idempotency key was used before, returns the one stored then (`created`
 * false) without storing another.
 */
export async function insertSilence(
  db: Db,
  silence: Omit<SilenceRecord, 'createdAt' | 'endedBy'>,
  idempotencyKey: string | null,
): Promise<{ silence: SilenceRecord; created: boolean }> {
  const inserted = await db.query<SilenceRow>(
    `insert into silences (id, matchers, starts_at, ends_at, recurrence, duration_minutes, time_zone, reason, created_by,
                           origin, idempotency_key)
     values ($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (idempotency_key) where idempotency_key is not null do nothing
     returning *`,
    [
      silence.id,
      postgresJson(silence.matchers),
      silence.startsAt,
      silence.endsAt,
      silence.recurrence,
      silence.durationMinutes,
      silence.timeZone,
      silence.reason,
      silence.createdBy,
      silence.origin,
      idempotencyKey,
    ],
  );
  if (inserted.rows[0]) return { silence: toRecord(inserted.rows[0]), created: true };
  const earlier = await db.query<SilenceRow>('select * from silences where idempotency_key = $1', [idempotencyKey]);
  return { silence: toRecord(earlier.rows[0]!), created: false };
}

export async function findSilence(db: Db, id: string): Promise<SilenceRecord | null> {
  const rows = await db.query<SilenceRow>('select * from silences where id = $1', [id]);
  return rows.rows[0] ? toRecord(rows.rows[0]) : null;
}

/** Silences not over at `since`: what every replica keeps in memory and matches notifications against. */
export async function silencesNotOverAt(db: Db, since: Date): Promise<SilenceRecord[]> {
  const rows = await db.query<SilenceRow>(
    'select * from silences where ends_at is null or ends_at > $1 order by starts_at, id',
    [since],
  );
  return rows.rows.map(toRecord);
}

/** Every silence, newest first (the history, ended ones included). */
export async function recentSilences(db: Db, limit: number): Promise<SilenceRecord[]> {
  const rows = await db.query<SilenceRow>('select * from silences order by created_at desc, id limit $1', [limit]);
  return rows.rows.map(toRecord);
}

/**
 * Ends a silence now, kept as history: its end moves to now unless it was over already (then it is returned as
 * it was). Null when there is no such silence.
 */
export async function endSilence(db: Db, id: string, endedBy: string): Promise<SilenceRecord | null> {
  const rows = await db.query<SilenceRow>(
    `update silences set ends_at = least(coalesce(ends_at, now()), now()),
            ended_by = case when ends_at is null or ends_at > now() then $2 else ended_by end
     where id = $1 returning *`,
    [id, endedBy],
  );
  return rows.rows[0] ? toRecord(rows.rows[0]) : null;
}

/** How many deliveries each silence held (the overview's "held 12"). */
export async function heldCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ suppressed_by: string; held: string }>(
    `select suppressed_by, count(*) as held from deliveries where suppressed_by = any($1::uuid[]) group by suppressed_by`,
    [ids],
  );
  return new Map(rows.rows.map((row) => [row.suppressed_by, Number(row.held)]));
}

/** Applications the hub has seen deployed: a silence naming none of them gets a warning, not a refusal. */
export async function knownApplications(db: Db): Promise<string[]> {
  const rows = await db.query<{ application_name: string }>(
    `select distinct application_name from events where type = 'deployment' and application_name is not null limit 10000`,
  );
  return rows.rows.map((row) => row.application_name);
}

/** An event whose notification a silence held: what the overview lists under the silence. */
export interface HeldEvent {
  eventId: string;
  type: string;
  applicationName: string | null;
  target: string;
  receivedAt: Date;
}

/** The latest `perSilence` events each silence held (newest first), by silence id. */
export async function heldEvents(db: Db, ids: string[], perSilence: number): Promise<Map<string, HeldEvent[]>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<HeldEvent & { silenceId: string }>(
    `select silence_id as "silenceId", event_id as "eventId", type, application_name as "applicationName",
            module as target, received_at as "receivedAt"
     from (select d.suppressed_by as silence_id, d.event_id, e.type, e.application_name, d.module, e.received_at,
                  row_number() over (partition by d.suppressed_by order by e.received_at desc, d.id) as n
           from deliveries d join events e on e.id = d.event_id
           where d.suppressed_by = any($1::uuid[])) held
     where n <= $2
     order by "receivedAt" desc`,
    [ids, perSilence],
  );
  const bySilence = new Map<string, HeldEvent[]>();
  for (const { silenceId, ...event } of rows.rows)
    bySilence.set(silenceId, [...(bySilence.get(silenceId) ?? []), event]);
  return bySilence;
}
