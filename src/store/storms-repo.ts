import type { Queryable } from './db.js';
import { STORM_TASK } from './jobs.js';

/**
 * The end of an error storm's window: marks the coalesced repeats of `leaderId` as reported and answers how
 * many there were, with the leader's payload to build the follow-up from. Null when there is nothing to
 * report (no repeats, or a second run of the same follow-up job).
 */
export async function takeStormRepeats<P>(
  client: Queryable,
  leaderId: string,
): Promise<{ count: number; leaderPayload: P } | null> {
  const repeats = await client.query(
    'update events set storm_reported = true where storm_of = $1 and not storm_reported returning id',
    [leaderId],
  );
  const count = repeats.rowCount ?? 0;
  if (count === 0) return null;
  const leader = await client.query<{ payload: P }>('select payload from events where id = $1', [leaderId]);
  const row = leader.rows[0];
  return row ? { count, leaderPayload: row.payload } : null;
}

/** The first error of a storm: the one that went out at once. */
export interface StormLeader {
  id: string;
  receivedAt: Date;
}

/** The storm leaders inside the window for these events' fingerprints, by fingerprint. */
export async function findStormLeaders(
  client: Queryable,
  events: Array<{ fingerprint?: string }>,
  windowSeconds: number,
): Promise<Map<string, StormLeader>> {
  const leaders = new Map<string, StormLeader>();
  const fingerprints = events.map((event) => event.fingerprint).filter((value): value is string => Boolean(value));
  if (fingerprints.length === 0 || windowSeconds <= 0) return leaders;
  const rows = await client.query<{ id: string; fingerprint: string; received_at: Date }>(
    `select distinct on (fingerprint) id, fingerprint, received_at from events
     where fingerprint = any($1) and storm_of is null and received_at > now() - make_interval(secs => $2)
     order by fingerprint, received_at desc`,
    [fingerprints, windowSeconds],
  );
  for (const row of rows.rows) leaders.set(row.fingerprint, { id: row.id, receivedAt: row.received_at });
  return leaders;
}

/** One follow-up job per storm, at the end of its window. */
export async function scheduleStormFollowUps(
  client: Queryable,
  leaders: StormLeader[],
  options: { stormWindowSeconds: number },
): Promise<void> {
  const byLeader = new Map(leaders.map((leader) => [leader.id, leader.receivedAt]));
  for (const [leaderId, receivedAt] of byLeader) {
    const runAt = new Date(receivedAt.getTime() + options.stormWindowSeconds * 1000);
    // One follow-up per storm: the job key makes every further repeat update the same job, not add one.
    await client.query(
      `select graphile_worker.add_job($1, json_build_object('leaderId', $2::text), run_at => $3,
              job_key => $4, job_key_mode => 'preserve_run_at', max_attempts => 25)`,
      [STORM_TASK, leaderId, runAt.toISOString(), `storm:${leaderId}`],
    );
  }
}
