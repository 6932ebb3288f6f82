import { recordOwned, ROUTES_KEY, type OwnedKind } from './ownership.js';
import { desiredState, diffStates, digestOf, liveState, type ConfigDiff } from './state.js';
import {
  applyModules,
  applySilences,
  applyTargets,
  removeTargets,
  splitKey,
  writeCheck,
  type Applied,
  type ApplyDeps,
} from './apply-writes.js';

import { writeSetting } from '../store/notify-settings-repo.js';

export type { Applied, ApplyDeps } from './apply-writes.js';

/** One key for every replica: two replicas applying at once take turns, the second finding nothing to do. */
const APPLY_LOCK = 'alvares:config-file';

/**
 * Makes the live configuration what the file says: computes the diff between the file and the live objects,
 * then applies it one transaction per kind of object, each change logged with who = `file:<path>`. Objects
 * the API made stay unless the file names them (then the file owns them). Idempotent: applying the same file
 * again finds an empty diff; replicas applying at once are serialised by an advisory lock.
 */
export async function applyConfig(deps: ApplyDeps, config: Applied): Promise<ConfigDiff> {
  const client = await deps.db.pool.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [APPLY_LOCK]);
    try {
      return await applyLocked(deps, config);
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [APPLY_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function applyLocked(deps: ApplyDeps, config: Applied): Promise<ConfigDiff> {
  deps.ownership.forget();
  const desired = desiredState(config.document, config.file);
  const live = liveState(await deps.readLive());
  const diff = diffStates(desired, live);
  const who = `file:${config.file}`;
  const owner = (value: unknown, ref?: string | null) => ({ file: config.file, digest: digestOf(value), ref });
  const touched = (kind: OwnedKind) =>
    [...diff.added, ...diff.changed, ...diff.adopted].filter((item) => item.kind === kind).map((item) => item.key);
  const gone = (kind: OwnedKind) => diff.removed.filter((item) => item.kind === kind).map((item) => item.key);

  await applyTargets(deps, desired.target, touched('target'), who, owner);
  await deps.db.transaction(async (client) => {
    for (const key of touched('routes')) {
      const routes = desired.routes.get(key)!.value;
      await writeSetting(client, 'routes', { routes }, who);
      await recordOwned(client, 'routes', key, owner(routes));
    }
    if (gone('routes').length > 0) {
      await writeSetting(client, 'routes', null, who);
      await recordOwned(client, 'routes', ROUTES_KEY, null);
    }
  });
  await deps.db.transaction(async (client) => {
    for (const key of touched('template')) {
      const template = desired.template.get(key)!.value;
      await writeSetting(client, `template:${key}`, { template }, who);
      await recordOwned(client, 'template', key, owner(template));
    }
    for (const key of gone('template')) {
      await writeSetting(client, `template:${key}`, null, who);
      await recordOwned(client, 'template', key, null);
    }
  });
  // After the routes: a route the file no longer has may have named a target it no longer has.
  await removeTargets(deps, gone('target'), who);
  await applySilences(deps, config, diff, who);
  await deps.db.transaction(async (client) => {
    for (const key of touched('check')) {
      const settings = desired.check.get(key)!.value as Record<string, unknown>;
      await writeCheck(client, key, settings);
      await recordOwned(client, 'check', key, owner(settings));
    }
    for (const key of gone('check')) {
      await client.query('delete from checks where name = $1', [key]);
      await recordOwned(client, 'check', key, null);
    }
  });
  for (const key of touched('parameter')) {
    const [inspection, name] = splitKey(key);
    const value = desired.parameter.get(key)!.value;
    await deps.inspections.setParameters(inspection, { [name]: value });
    await recordOwned(deps.db.pool, 'parameter', key, owner(value));
  }
  for (const key of gone('parameter')) {
    const [inspection, name] = splitKey(key);
    if (deps.inspections.has(inspection)) await deps.inspections.deleteParameter(inspection, name);
    await recordOwned(deps.db.pool, 'parameter', key, null);
  }
  for (const key of touched('module-config')) {
    const settings = desired['module-config'].get(key)!.value as Record<string, string | null>;
    await deps.moduleConfigs.put(key, settings, null);
    await recordOwned(deps.db.pool, 'module-config', key, owner(settings));
  }
  for (const key of gone('module-config')) {
    await deps.moduleConfigs.reset(key, null);
    await recordOwned(deps.db.pool, 'module-config', key, null);
  }
  for (const key of touched('module'))
    await recordOwned(deps.db.pool, 'module', key, owner(desired.module.get(key)!.value));
  for (const key of gone('module')) await recordOwned(deps.db.pool, 'module', key, null);
  applyModules(deps, config.document, config.file);
  await deps.db.query(
    `insert into config_applied (id, hash, file) values (1, $1, $2)
     on conflict (id) do update set hash = excluded.hash, file = excluded.file, applied_at = now()`,
    [config.hash, config.file],
  );
  deps.ownership.forget();
  await deps.hooks.loadTargets(true);
  deps.hooks.routes?.forget();
  deps.hooks.templates?.forget();
  const count = diff.added.length + diff.changed.length + diff.removed.length;
  if (count > 0)
    deps.logger.info('configuration file applied', {
      who,
      hash: config.hash,
      added: diff.added.length,
      changed: diff.changed.length,
      removed: diff.removed.length,
    });
  return diff;
}
