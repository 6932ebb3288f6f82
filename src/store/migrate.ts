import type { Db } from './db.js';

export interface Migration {
  /** Stable and ordered within its owner: "001-events". */
  id: string;
  sql: string;
}

const LOCK_KEY = 'alvares:migrations';

/**
 * Applies migrations not yet recorded in `hub_migrations`, each in its own transaction. A session-level
 * advisory lock makes two hubs starting at once take turns: the second finds the work done.
 */
export async function runMigrations(
  db: Db,
  sets: Array<{ owner: string; migrations: readonly Migration[] }>,
): Promise<string[]> {
  const client = await db.pool.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
    await client.query(`create table if not exists hub_migrations (
      id text primary key,
      applied_at timestamptz not null default now()
    )`);
    const done = new Set(
      (await client.query<{ id: string }>('select id from hub_migrations')).rows.map((row) => row.id),
    );
    for (const { owner, migrations } of sets) {
      for (const migration of migrations) {
        const id = `${owner}:${migration.id}`;
        if (done.has(id)) continue;
        await client.query('begin');
        try {
          await client.query(migration.sql);
          await client.query('insert into hub_migrations (id) values ($1)', [id]);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback');
          throw new Error(`migration ${id} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(id);
      }
    }
    return applied;
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
