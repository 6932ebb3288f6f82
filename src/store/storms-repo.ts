import type { Queryable } from './db.js';

/**
 * The end of an error storm's window: marks the coalesced repeats of `leaderId` as reported and answers how
 * many there were, with the leader's payload to build the follow-up from. Null when there is nothing to
 * report (no repeats, or a second run of the same follow-up job).
 */
export async function takeStormRepeats<P>(client: Queryable, leaderId: string): Promise<{ count: number; leaderPayload: P } | null> {
  const repeats = await client.query('update events set storm_reported = true where storm_of = $1 and not storm_reported returning id', [leaderId]);
  const count = repeats.rowCount ?? 0;
  if (count === 0) return null;
  const leader = await client.query<{ payload: P }>('select payload from events where id = $1', [leaderId]);
  const row = leader.rows[0];
  return row ? { count, leaderPayload: row.payload } : null;
}
