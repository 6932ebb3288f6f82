import type { Db, Queryable } from './db.js';

/** Statements of run-time control (tables of migration 007-ops-control). */

export interface LevelOverride {
  name: string;
  level: string;
  expiresAt: string | null;
  setAt: string;
}

export async function activeLevelOverrides(db: Db): Promise<LevelOverride[]> {
  const rows = await db.query<{ name: string; level: string; expires_at: Date | null; set_at: Date }>(
    `select name, level, expires_at, set_at from ops_log_levels where expires_at is null or expires_at > now() order by name`,
  );
  return rows.rows.map((row) => ({
    name: row.name,
    level: row.level,
    expiresAt: row.expires_at?.toISOString() ?? null,
    setAt: row.set_at.toISOString(),
  }));
}

/** `level: null` removes the override. Expired rows are dropped on the way. */
export async function setLevelOverride(
  db: Db,
  name: string,
  level: string | null,
  ttlSeconds: number | null,
): Promise<void> {
  await db.query(`delete from ops_log_levels where expires_at <= now()`);
  if (level === null) {
    await db.query('delete from ops_log_levels where name = $1', [name]);
    return;
  }
  await db.query(
    `insert into ops_log_levels (name, level, expires_at, set_at)
     values ($1, $2, case when $3::int is null then null else now() + make_interval(secs => $3::int) end, now())
     on conflict (name) do update set level = excluded.level, expires_at = excluded.expires_at, set_at = now()`,
    [name, level, ttlSeconds],
  );
}

export interface StoredModuleConfig {
  module: string;
  overrides: Record<string, string | null>;
  version: number;
  updatedAt: string;
}

export async function storedModuleConfigs(db: Db): Promise<StoredModuleConfig[]> {
  const rows = await db.query<{
    module: string;
    overrides: Record<string, string | null>;
    version: string;
    updated_at: Date;
  }>('select module, overrides, version, updated_at from ops_module_config order by module');
  return rows.rows.map((row) => ({
    module: row.module,
    overrides: row.overrides,
    version: Number(row.version),
    updatedAt: row.updated_at.toISOString(),
  }));
}

export interface ConfigChange {
  id: number;
  module: string;
  at: string;
  action: 'set' | 'reset';
  keys: string[];
  hub: string;
  requestId: string | null;
}

/**
 * Stores (or with `overrides: null` removes) a module's run-time config and records the change, in the
 * caller's transaction. The stored version is the change's id: unique for ever, so a replica that missed a
 * reset and the set after it still sees a version it has not applied.
 */
export async function writeModuleConfig(
  client: Queryable,
  change: {
    module: string;
    overrides: Record<string, string | null> | null;
    keys: string[];
    hub: string;
    requestId: string | null;
  },
): Promise<ConfigChange> {
  const action = change.overrides === null ? 'reset' : 'set';
  const row = await client.query<{ id: string; at: Date }>(
    `insert into ops_config_changes (module, action, keys, hub, request_id) values ($1, $2, $3, $4, $5) returning id, at`,
    [change.module, action, change.keys, change.hub, change.requestId],
  );
  const id = Number(row.rows[0]!.id);
  if (change.overrides === null) await client.query('delete from ops_module_config where module = $1', [change.module]);
  else {
    await client.query(
      `insert into ops_module_config (module, overrides, version) values ($1, $2, $3)
       on conflict (module) do update set overrides = excluded.overrides, version = excluded.version, updated_at = now()`,
      [change.module, JSON.stringify(change.overrides), id],
    );
  }
  return {
    id,
    module: change.module,
    at: row.rows[0]!.at.toISOString(),
    action,
    keys: change.keys,
    hub: change.hub,
    requestId: change.requestId,
  };
}

export async function configChanges(db: Db, options: { module?: string; limit: number }): Promise<ConfigChange[]> {
  const rows = await db.query<{
    id: string;
    module: string;
    at: Date;
    action: 'set' | 'reset';
    keys: string[];
    hub: string;
    request_id: string | null;
  }>(
    `select id, module, at, action, keys, hub, request_id from ops_config_changes
     where $1::text is null or module = $1 order by id desc limit $2`,
    [options.module ?? null, options.limit],
  );
  return rows.rows.map((row) => ({
    id: Number(row.id),
    module: row.module,
    at: row.at.toISOString(),
    action: row.action,
    keys: row.keys,
    hub: row.hub,
    requestId: row.request_id,
  }));
}
