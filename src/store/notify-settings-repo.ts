import type { Queryable } from './db.js';

/**
 * One notification setting (the route list, a template) written, or removed with `value` null, and the change
 * logged in `notify_changes` with who made it: one writer for the API and the configuration file alike. The
 * log keeps a route list as the list itself.
 */
export async function writeSetting(client: Queryable, name: string, value: unknown, who: string): Promise<void> {
  const before = (await client.query<{ value: unknown }>('select value from notify_settings where name = $1', [name]))
    .rows[0]?.value;
  if (value === null) await client.query('delete from notify_settings where name = $1', [name]);
  else
    await client.query(
      `insert into notify_settings (name, value, updated_by) values ($1, $2, $3)
       on conflict (name) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()`,
      [name, JSON.stringify(value), who],
    );
  const after = value && typeof value === 'object' && 'routes' in value ? value.routes : value;
  const previous = before && typeof before === 'object' && 'routes' in before ? before.routes : before;
  await client.query('insert into notify_changes (who, name, before, after) values ($1, $2, $3, $4)', [
    who,
    name,
    JSON.stringify(previous ?? null),
    JSON.stringify(after),
  ]);
}
