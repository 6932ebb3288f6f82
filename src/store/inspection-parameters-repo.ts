import type { Db, Queryable } from './db.js';

/** Central parameter values of an inspection, set by operators (PUT /api/v1/inspections/:id/parameters). */
export async function centralValues(
  db: Queryable,
  inspection: string,
): Promise<Record<string, { value: unknown; updatedAt: string }>> {
  const rows = await db.query<{ name: string; value: unknown; updated_at: Date }>(
    `select name, value, updated_at from inspection_parameters where inspection = $1`,
    [inspection],
  );
  return Object.fromEntries(
    rows.rows.map((row) => [row.name, { value: row.value, updatedAt: row.updated_at.toISOString() }]),
  );
}

/** Every inspection's central values at once (for the listing). */
export async function allCentralValues(
  db: Db,
): Promise<Map<string, Record<string, { value: unknown; updatedAt: string }>>> {
  const rows = await db.query<{ inspection: string; name: string; value: unknown; updated_at: Date }>(
    `select inspection, name, value, updated_at from inspection_parameters`,
  );
  const byInspection = new Map<string, Record<string, { value: unknown; updatedAt: string }>>();
  for (const row of rows.rows) {
    const values = byInspection.get(row.inspection) ?? {};
    values[row.name] = { value: row.value, updatedAt: row.updated_at.toISOString() };
    byInspection.set(row.inspection, values);
  }
  return byInspection;
}

/** Sets some values and removes others, and records what changed (already masked by the caller). */
export async function changeValues(
  client: Queryable,
  inspection: string,
  set: Record<string, unknown>,
  removed: string[],
  changes: Record<string, { from: unknown; to: unknown }>,
): Promise<void> {
  for (const [name, value] of Object.entries(set)) {
    await client.query(
      `insert into inspection_parameters (inspection, name, value) values ($1, $2, $3::jsonb)
       on conflict (inspection, name) do update set value = excluded.value, updated_at = now()`,
      [inspection, name, JSON.stringify(value)],
    );
  }
  if (removed.length > 0)
    await client.query(`delete from inspection_parameters where inspection = $1 and name = any($2::text[])`, [
      inspection,
      removed,
    ]);
  if (Object.keys(changes).length > 0) {
    await client.query(`insert into inspection_parameter_changes (inspection, changes) values ($1, $2)`, [
      inspection,
      JSON.stringify(changes),
    ]);
  }
}

export async function parameterChanges(
  db: Db,
  inspection: string,
  limit: number,
): Promise<Array<{ at: string; changes: Record<string, { from: unknown; to: unknown }> }>> {
  const rows = await db.query<{ at: Date; changes: Record<string, { from: unknown; to: unknown }> }>(
    `select at, changes from inspection_parameter_changes where inspection = $1 order by id desc limit $2`,
    [inspection, limit],
  );
  return rows.rows.map((row) => ({ at: row.at.toISOString(), changes: row.changes }));
}
