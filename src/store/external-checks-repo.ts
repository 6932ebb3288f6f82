import type { Db, Queryable } from './db.js';

/** An external check: a tool outside the hub that reports its runs over HTTP with its own token. */
export interface ExternalCheck {
  name: string;
  description: string | null;
  slackChannels: string[];
  maxRuntimeSeconds: number;
  expectEverySeconds: number | null;
  createdAt: string;
  updatedAt: string;
  lastReportAt: string | null;
}

export interface CheckSettings {
  description?: string | null;
  slackChannels?: string[];
  maxRuntimeSeconds?: number;
  expectEverySeconds?: number | null;
}

/** A checks row. */
interface CheckRow {
  name: string;
  description: string | null;
  slack_channels: string[];
  max_runtime_seconds: number;
  expect_every_seconds: number | null;
  token_hash: Buffer;
  created_at: Date;
  updated_at: Date;
  last_report_at: Date | null;
}

/**
 * Creates the check with `tokenHash`, or updates the settings given (and the hash, when rotating). `created`
 * says which: a new check's token must be handed out, an update's only when it was rotated.
 */
export async function upsertCheck(
  db: Db,
  name: string,
  settings: CheckSettings,
  tokenHash: Buffer,
  rotate: boolean,
): Promise<{ check: ExternalCheck; created: boolean }> {
  const rows = await db.query<CheckRow & { created: boolean }>(
    `insert into checks (name, description, slack_channels, max_runtime_seconds, expect_every_seconds, token_hash)
     values ($1, $2, coalesce($3::text[], '{}'), coalesce($4::int, 300), $5, $6)
     on conflict (name) do update set
       description = case when $7 then excluded.description else checks.description end,
       slack_channels = case when $3::text[] is null then checks.slack_channels else excluded.slack_channels end,
       max_runtime_seconds = case when $4::int is null then checks.max_runtime_seconds else excluded.max_runtime_seconds end,
       expect_every_seconds = case when $8 then excluded.expect_every_seconds else checks.expect_every_seconds end,
       token_hash = case when $9 then excluded.token_hash else checks.token_hash end,
       updated_at = now()
     returning *, (xmax = 0) as created`,
    [
      name,
      settings.description ?? null,
      settings.slackChannels ?? null,
      settings.maxRuntimeSeconds ?? null,
      settings.expectEverySeconds ?? null,
      tokenHash,
      settings.description !== undefined,
      settings.expectEverySeconds !== undefined,
      rotate,
    ],
  );
  // An upsert returns its row whichever way it went.
  const row = rows.rows[0]!;
  return { check: toCheck(row), created: row.created };
}

export async function findCheck(db: Queryable, name: string): Promise<(ExternalCheck & { tokenHash: Buffer }) | null> {
  const rows = await db.query<CheckRow>(`select * from checks where name = $1`, [name]);
  return rows.rows[0] ? { ...toCheck(rows.rows[0]), tokenHash: rows.rows[0].token_hash } : null;
}

export async function listChecks(db: Db): Promise<ExternalCheck[]> {
  const rows = await db.query<CheckRow>(`select * from checks order by name`);
  return rows.rows.map(toCheck);
}

/** The tool was heard from: the clock of expectEverySeconds starts again. */
export async function markReported(client: Queryable, name: string): Promise<void> {
  await client.query(`update checks set last_report_at = now() where name = $1`, [name]);
}

/**
 * Checks with expectEverySeconds that have not reported for that long plus a grace of 10% (at least 60 s),
 * counted from their last report, their last missed run or their creation. One statement marks them, so one
 * replica reports each missed run.
 */
export async function claimMissedReports(db: Db): Promise<ExternalCheck[]> {
  const rows = await db.query<CheckRow>(
    `update checks set last_missed_at = now()
     where expect_every_seconds is not null
       and greatest(coalesce(last_report_at, created_at), coalesce(last_missed_at, created_at), created_at)
           < now() - make_interval(secs => expect_every_seconds + greatest(60, expect_every_seconds * 0.1))
     returning *`,
  );
  return rows.rows.map(toCheck);
}

function toCheck(row: CheckRow): ExternalCheck {
  return {
    name: row.name,
    description: row.description,
    slackChannels: row.slack_channels,
    maxRuntimeSeconds: row.max_runtime_seconds,
    expectEverySeconds: row.expect_every_seconds,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastReportAt: row.last_report_at?.toISOString() ?? null,
  };
}
