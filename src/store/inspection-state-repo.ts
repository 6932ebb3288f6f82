import type { AlertState } from '../events/alert-state.js';
import type { CheckStatus, TransitionName } from '../events/types.js';
import type { Db, Queryable } from './db.js';

export interface KeyState extends AlertState {
  check: string;
  key: string;
  dimensions: Record<string, string>;
  title: string;
  message: string;
  updatedAt: string;
  /** Since when the key has had `status` (read back; the upsert keeps it while the status stays). */
  statusSince?: string | null;
  /** Its latest results, oldest first (read back; at most KEY_HISTORY, appended by the upsert). */
  history?: Array<{ status: CheckStatus; at: string }>;
}

/** An inspection_state row. */
interface StateRow {
  check_name: string;
  key: string;
  dimensions: Record<string, string>;
  status: CheckStatus;
  alert_status: CheckStatus | null;
  bad_streak: number;
  good_streak: number;
  since: Date | null;
  title: string;
  message: string;
  updated_at: Date;
  status_since: Date | null;
  history: Array<{ s: CheckStatus; at: string }> | null;
}

/** Results kept per key for the status page's strip and flapping mark. */
export const KEY_HISTORY = 20;

/** The keys' states, locked for the caller's transaction: two results for one key apply one after the other. */
export async function lockStates(client: Queryable, check: string, keys: string[]): Promise<Map<string, KeyState>> {
  const rows = await client.query<StateRow>(
    `select * from inspection_state where check_name = $1 and key = any($2::text[]) order by key for update`,
    [check, keys],
  );
  return new Map(rows.rows.map((row) => [row.key, toState(row)]));
}

export async function saveStates(client: Queryable, states: KeyState[]): Promise<void> {
  if (states.length === 0) return;
  await client.query(
    `insert into inspection_state (check_name, key, dimensions, status, alert_status, bad_streak, good_streak, since, title, message, updated_at,
                                   status_since, history)
     select s."check", s.key, s.dimensions, s.status, s.alert_status, s.bad_streak, s.good_streak, s.since, s.title, s.message, now(),
            now(), jsonb_build_array(jsonb_build_object('s', s.status, 'at', now()))
     from json_to_recordset($1::json) as s("check" text, key text, dimensions jsonb, status text, alert_status text, bad_streak int,
                                           good_streak int, since timestamptz, title text, message text)
     on conflict (check_name, key) do update set dimensions = excluded.dimensions, status = excluded.status,
       alert_status = excluded.alert_status, bad_streak = excluded.bad_streak, good_streak = excluded.good_streak,
       since = excluded.since, title = excluded.title, message = excluded.message, updated_at = now(),
       status_since = case when inspection_state.status = excluded.status
                           then coalesce(inspection_state.status_since, inspection_state.updated_at) else now() end,
       history = (select coalesce(jsonb_agg(h.item order by h.n), '[]') from jsonb_array_elements(
                    inspection_state.history || excluded.history) with ordinality as h(item, n)
                  where h.n > jsonb_array_length(inspection_state.history) + 1 - ${KEY_HISTORY})`,
    [
      JSON.stringify(
        states.map((s) => ({
          check: s.check,
          key: s.key,
          dimensions: s.dimensions,
          status: s.status,
          alert_status: s.alertStatus,
          bad_streak: s.badStreak,
          good_streak: s.goodStreak,
          since: s.since,
          title: s.title,
          message: s.message,
        })),
      ),
    ],
  );
}

export interface TransitionRow {
  check: string;
  key: string;
  dimensions: Record<string, string>;
  transition: TransitionName;
  status: CheckStatus;
  previousStatus: CheckStatus | null;
  since: string;
  at: string;
  title: string;
  message: string;
  runId: string | null;
  eventId: string | null;
}

export async function insertTransitions(client: Queryable, rows: TransitionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `insert into inspection_transitions (check_name, key, dimensions, transition, status, previous_status, since, at, title, message, run_id, event_id)
     select t."check", t.key, t.dimensions, t.transition, t.status, t."previousStatus", t.since, t.at, t.title, t.message, t."runId", t."eventId"
     from json_to_recordset($1::json) as t("check" text, key text, dimensions jsonb, transition text, status text, "previousStatus" text,
                                           since timestamptz, at timestamptz, title text, message text, "runId" text, "eventId" uuid)`,
    [JSON.stringify(rows)],
  );
}

/** Transitions of a check, newest first. */
export async function listTransitions(db: Db, check: string, limit: number): Promise<TransitionRow[]> {
  const rows = await db.query<{
    check_name: string;
    key: string;
    dimensions: Record<string, string>;
    transition: TransitionName;
    status: CheckStatus;
    previous_status: CheckStatus | null;
    since: Date;
    at: Date;
    title: string;
    message: string;
    run_id: string | null;
    event_id: string | null;
  }>(`select * from inspection_transitions where check_name = $1 order by id desc limit $2`, [check, limit]);
  return rows.rows.map((row) => ({
    check: row.check_name,
    key: row.key,
    dimensions: row.dimensions,
    transition: row.transition,
    status: row.status,
    previousStatus: row.previous_status,
    since: row.since.toISOString(),
    at: row.at.toISOString(),
    title: row.title,
    message: row.message,
    runId: row.run_id,
    eventId: row.event_id,
  }));
}

/** Every key's state of the given checks. */
export async function listStates(db: Db, checks: string[]): Promise<KeyState[]> {
  const rows = await db.query<StateRow>(
    `select * from inspection_state where check_name = any($1::text[]) order by check_name, key`,
    [checks],
  );
  return rows.rows.map(toState);
}

function toState(row: StateRow): KeyState {
  return {
    check: row.check_name,
    key: row.key,
    dimensions: row.dimensions,
    status: row.status,
    alertStatus: row.alert_status,
    badStreak: row.bad_streak,
    goodStreak: row.good_streak,
    since: row.since?.toISOString() ?? null,
    title: row.title,
    message: row.message,
    updatedAt: row.updated_at.toISOString(),
    statusSince: row.status_since?.toISOString() ?? null,
    history: (row.history ?? []).map((item) => ({
      status: item.s,
      at: new Date(item.at).toISOString(),
    })),
  };
}
