import { createHash, randomBytes } from 'node:crypto';
import type { ConfigDocument } from './document.js';
import { recordOwned, type Ownership } from './ownership.js';
import { desiredState, digestOf, type ConfigDiff, type LiveReads } from './state.js';
import type { Inspections } from '../checks/inspections.js';
import type { Logger } from '../logging/logger.js';
import type { NotifyHooks } from '../notify/hooks.js';
import type { Silences } from '../silences/silences.js';
import type { Db, Queryable } from '../store/db.js';

/** The writes applying a file makes, one kind of object each; `applyConfig` (apply.ts) decides which. */
export interface ApplyDeps {
  db: Db;
  ownership: Ownership;
  hooks: NotifyHooks;
  silences: Silences;
  inspections: Inspections;
  /** This replica's modules: turning one on or off is per replica, as the admin routes do it. */
  modules: { enable(name: string): unknown; disable(name: string, reason?: string): unknown };
  /** Module settings at run time: every replica restarts the module with them (src/ops/module-config.ts). */
  moduleConfigs: {
    put(name: string, body: Record<string, string | null>, requestId: string | null): Promise<unknown>;
    reset(name: string, requestId: string | null): Promise<unknown>;
  };
  /** The live objects, read fresh. */
  readLive: () => Promise<LiveReads>;
  logger: Logger;
}

export interface Applied {
  document: ConfigDocument;
  hash: string;
  /** The file's path: who changed the objects (`file:<path>`), and the owner named in a 409. */
  file: string;
}

/** The file's targets, stored through the targets' own store (their provider's schema checks the settings). */
export async function applyTargets(
  deps: ApplyDeps,
  desired: Map<string, { value: unknown }>,
  keys: string[],
  who: string,
  owner: (value: unknown) => { file: string; digest: string },
): Promise<void> {
  if (keys.length === 0) return;
  const book = deps.hooks.targetBook;
  if (!book) throw new Error('the targets store is not open');
  // Checked for all before any is written: a target the environment makes is not the file's to replace.
  for (const key of keys) {
    const envOwner = deps.hooks.envOwnerOf(key);
    if (envOwner) throw new Error(`target "${key}" is made by ${envOwner}; give the file's target another name`);
  }
  for (const key of keys) {
    const value = desired.get(key)!.value;
    await book.put(key, value, (provider) => deps.hooks.kindOf(provider), who);
    await recordOwned(deps.db.pool, 'target', key, owner(value));
  }
}

export async function removeTargets(deps: ApplyDeps, keys: string[], who: string): Promise<void> {
  const book = deps.hooks.targetBook;
  for (const key of keys) {
    const stored = book ? (await book.all(true)).find((target) => target.name === key) : undefined;
    if (book && stored) await book.remove(key, deps.hooks.kindOf(stored.provider) ?? undefined, null, who);
    await recordOwned(deps.db.pool, 'target', key, null);
  }
}

/**
 * A silence cannot be edited, only ended: a changed one is made anew and the old one ended. The idempotency key
 * (name and digest) makes two replicas applying the same change make one silence.
 */
export async function applySilences(deps: ApplyDeps, config: Applied, diff: ConfigDiff, who: string): Promise<void> {
  const owned = await deps.ownership.ofKind('silence');
  const inputs = new Map((config.document.silences ?? []).map(({ name, ...input }) => [name, input]));
  for (const item of [...diff.added, ...diff.changed].filter((entry) => entry.kind === 'silence')) {
    const input = inputs.get(item.key)!;
    const digest = digestOf(
      desiredState({ silences: [{ name: item.key, ...input }] }, config.file).silence.get(item.key)!.value,
    );
    const key = `${who}:${item.key}:${digest}`;
    let made = await deps.silences.create(input, { createdBy: who, origin: 'file' }, key);
    // The same text removed from the file and put back finds the silence its removal ended: make it anew.
    if (made.silence.endedBy)
      made = await deps.silences.create(input, { createdBy: who, origin: 'file' }, `${key}:${Date.now()}`);
    const before = owned.get(item.key)?.ref;
    if (before && before !== made.silence.id) await deps.silences.end(before, who);
    await recordOwned(deps.db.pool, 'silence', item.key, { file: config.file, digest, ref: made.silence.id });
  }
  // An API-made silence the file names as `api-<id>` with the same rules is taken over as it is.
  for (const item of diff.adopted.filter((entry) => entry.kind === 'silence')) {
    const input = inputs.get(item.key)!;
    const digest = digestOf(
      desiredState({ silences: [{ name: item.key, ...input }] }, config.file).silence.get(item.key)!.value,
    );
    const ref = owned.get(item.key)?.ref ?? (await findSilenceByPrefix(deps.db, item.key));
    await recordOwned(deps.db.pool, 'silence', item.key, { file: config.file, digest, ref });
  }
  for (const item of diff.removed.filter((entry) => entry.kind === 'silence')) {
    const ref = owned.get(item.key)?.ref;
    if (ref) await deps.silences.end(ref, who);
    await recordOwned(deps.db.pool, 'silence', item.key, null);
  }
}

async function findSilenceByPrefix(db: Db, name: string): Promise<string | null> {
  const prefix = /^api-([0-9a-f]{8})$/.exec(name)?.[1];
  if (!prefix) return null;
  const rows = await db.query<{ id: string }>(`select id from silences where id::text like $1 || '%' limit 1`, [
    prefix,
  ]);
  return rows.rows[0]?.id ?? null;
}

/** Each replica turns its own modules on and off as its copy of the file says. */
export function applyModules(deps: ApplyDeps, document: ConfigDocument, file: string): void {
  for (const [name, module] of Object.entries(document.modules ?? {})) {
    if (module.enabled === undefined) continue;
    try {
      if (module.enabled) deps.modules.enable(name);
      else deps.modules.disable(name, `turned off by ${file}`);
    } catch (error) {
      deps.logger.warn('configuration file: module not turned on', { module: name, error: String(error) });
    }
  }
}

/**
 * A file's check, all its settings as the file says (omitted ones at their defaults). A new check gets a
 * random token no one has seen: the tool's owner reads one with `PUT /api/v1/checks/:name {"rotateToken":true}`.
 */
export async function writeCheck(client: Queryable, name: string, settings: Record<string, unknown>): Promise<void> {
  const tokenHash = createHash('sha256').update(randomBytes(32).toString('base64url')).digest();
  await client.query(
    `insert into checks (name, description, slack_channels, max_runtime_seconds, expect_every_seconds, token_hash)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (name) do update set description = excluded.description, slack_channels = excluded.slack_channels,
       max_runtime_seconds = excluded.max_runtime_seconds, expect_every_seconds = excluded.expect_every_seconds,
       updated_at = now()`,
    [
      name,
      settings.description,
      settings.slackChannels,
      settings.maxRuntimeSeconds,
      settings.expectEverySeconds,
      tokenHash,
    ],
  );
}

export function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}
