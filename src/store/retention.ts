import { pruneFeed } from './feed-repo.js';
import { pruneSecurityLedgers } from './security-repo.js';
import type { Db } from './db.js';

/** Rows deleted per statement: short transactions, so ingest never waits long behind the prune. */
const CHUNK = 5_000;

export interface Pruned {
  keys: number;
  events: number;
  runs: number;
  /** Rows of the status page's live feed (older than ACTIVITY_RETENTION_HOURS, whatever the event retention). */
  activity: number;
}

/** The live feed only serves browsers catching up after a drop; a day covers a laptop closed overnight. */
export const ACTIVITY_RETENTION_HOURS = 24;

/**
 * Deletes what the hub no longer needs: dedupe keys past their window, events older than the retention
 * (their deliveries, lifecycle rows and keys go with them), and scheduled-run records as old. An event
 * with a delivery still queued, running or waiting to retry is kept whatever its age, and so is the latest
 * deployment of each application and cluster: inspections (endpoint health) read what is deployed from it.
 * Check runs (inspections', external tools') go after the same days. Module tables (the deployment history,
 * Slack threads) are the modules' own and are not touched.
 */
export async function pruneExpired(db: Db, retentionDays: number): Promise<Pruned> {
  const pruned: Pruned = { keys: 0, events: 0, runs: 0, activity: 0 };
  pruned.keys = await deleteInChunks(
    db,
    `delete from event_keys where key in (select key from event_keys where expires_at < now() limit $1)`,
    [],
  );
  pruned.activity = await pruneFeed(db, ACTIVITY_RETENTION_HOURS);
  pruned.keys += await pruneSecurityLedgers(db);
  if (retentionDays <= 0) return pruned;
  pruned.events = await deleteInChunks(
    db,
    `delete from events where id in (
       select e.id from events e
       where e.received_at < now() - make_interval(days => $2)
         and not exists (select 1 from deliveries d where d.event_id = e.id and d.status in ('queued', 'in_progress', 'failed'))
         and not (e.type = 'deployment' and e.id = (
           select l.id from events l where l.type = 'deployment' and l.parent_id is null and l.application_name = e.application_name
             and l.cluster is not distinct from e.cluster order by l.received_at desc limit 1))
       limit $1)`,
    [retentionDays],
  );
  pruned.runs = await deleteInChunks(
    db,
    `delete from scheduled_runs where id in (
       select id from scheduled_runs where fired_at < now() - make_interval(days => $2) limit $1)`,
    [retentionDays],
  );
  pruned.runs += await deleteInChunks(
    db,
    `delete from check_runs where id in (
       select id from check_runs where started_at < now() - make_interval(days => $2) and status not in ('queued', 'in_progress') limit $1)`,
    [retentionDays],
  );
  return pruned;
}

async function deleteInChunks(db: Db, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db.query(sql, [CHUNK, ...params]);
    total += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < CHUNK) return total;
  }
}
