import type { Db } from './db.js';

/**
 * Records a signed request as accepted until `expiresAt`; false when it already was (a replay), on this
 * replica or another. An expired record is taken over, so the table never blocks a signature for longer.
 */
export async function rememberSignature(db: Db, digest: Buffer, expiresAt: Date): Promise<boolean> {
  const result = await db.query(
    `insert into ingest_signatures (digest, expires_at) values ($1, $2)
     on conflict (digest) do update set seen_at = now(), expires_at = excluded.expires_at
       where ingest_signatures.expires_at < now()
     returning 1`,
    [digest, expiresAt],
  );
  return result.rowCount === 1;
}

/**
 * Counts one failed authentication of `address` in its current window of `windowSeconds` (a new window
 * starts once the last has ended) and says how many failures the window holds and how long it has left.
 */
export async function countAuthFailure(
  db: Db,
  address: string,
  windowSeconds: number,
): Promise<{ failures: number; remainingSeconds: number }> {
  const result = await db.query<{ failures: number; remaining: number }>(
    `insert into auth_failures as f (address, window_start, failures) values ($1, now(), 1)
     on conflict (address) do update set
       failures = case when f.window_start <= now() - make_interval(secs => $2) then 1 else f.failures + 1 end,
       window_start = case when f.window_start <= now() - make_interval(secs => $2) then now() else f.window_start end
     returning failures, extract(epoch from (window_start + make_interval(secs => $2) - now()))::float8 as remaining`,
    [address, windowSeconds],
  );
  const row = result.rows[0]!;
  return { failures: row.failures, remainingSeconds: row.remaining };
}

/** Drops records no check needs any more: signatures past their expiry, failure windows long over. */
export async function pruneSecurityLedgers(db: Db): Promise<number> {
  const signatures = await db.query(
    `delete from ingest_signatures where digest in (
       select digest from ingest_signatures where expires_at < now() limit 5000)`,
  );
  const failures = await db.query(
    `delete from auth_failures where address in (
       select address from auth_failures where window_start < now() - interval '1 hour' limit 5000)`,
  );
  return (signatures.rowCount ?? 0) + (failures.rowCount ?? 0);
}

/** Addresses with at least `limit` failures in a window that has not ended, and the seconds it has left. */
export async function blockedAddresses(
  db: Db,
  limit: number,
  windowSeconds: number,
): Promise<Array<{ address: string; remainingSeconds: number }>> {
  const result = await db.query<{ address: string; remaining: number }>(
    `select address, extract(epoch from (window_start + make_interval(secs => $2) - now()))::float8 as remaining
       from auth_failures
      where failures >= $1 and window_start > now() - make_interval(secs => $2)
      limit 10000`,
    [limit, windowSeconds],
  );
  return result.rows.map((row) => ({ address: row.address, remainingSeconds: row.remaining }));
}
