import { z } from 'zod';
import { HubError, validationError } from '../errors.js';
import type { Db, Queryable } from '../store/db.js';

/** Every replica re-reads the stored targets this often: a change takes effect everywhere within it. */
const RELOAD_MS = 2_000;
/** What a secret setting reads as wherever settings are shown or logged; sent back in a PUT, it keeps the value. */
export const SECRET_SET = '(set)';

/** A target's name: the identity routes, threads, pacing and counts are keyed by. */
export const targetNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'lower-case letters, digits and . _ - (at most 100)');

/**
 * A target as the targets API and the configuration file take it: a provider and its settings, validated by that
 * provider's own schema when stored.
 */
export const targetBodySchema = z.strictObject({
  provider: z.string().min(1).max(100),
  settings: z.record(z.string(), z.unknown()).default({}),
});

/**
 * A provider whose module serves stored targets next to the one its environment makes: the settings one target
 * takes (its secrets marked `.meta({ secret: true })`), and what owns the environment's target.
 */
export interface StoredTargetKind {
  provider: string;
  settings: z.ZodObject;
  /** The variable that makes the environment's target (`TEAMS_WEBHOOK_URL`): named when a PUT would take its name. */
  envVariable: string;
  /** Values inside the secrets the logs must hide too (a password inside a URL, as written and decoded). */
  secretsOf?(settings: Record<string, unknown>): Array<string | undefined>;
}

/** A target kept in PostgreSQL, secrets included (never shown: see `shownSettings`). */
export interface StoredTarget {
  name: string;
  provider: string;
  settings: Record<string, unknown>;
  /** Bumped by every change: a module rebuilds its client for the target when it moves. */
  version: number;
  updatedBy: string;
  updatedAt: string;
}

/** The names of a kind's secret settings, read from the schema's `secret` marks. */
export function secretKeys(kind: StoredTargetKind): string[] {
  return Object.entries(kind.settings.shape).flatMap(([key, field]) =>
    (field as z.ZodType).meta()?.secret === true ? [key] : [],
  );
}

/** Settings as shown and logged: each secret that has a value as `(set)`. */
export function shownSettings(kind: StoredTargetKind | undefined, settings: Record<string, unknown>) {
  const secrets = kind ? secretKeys(kind) : Object.keys(settings);
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [key, secrets.includes(key) && value != null ? SECRET_SET : value]),
  );
}

type Shown = { provider: string; settings: Record<string, unknown> };

/** Targets stored at run time (`notify_targets`), each change logged in `notify_changes` without secret values. */
export class TargetBook {
  private cached: { targets: StoredTarget[]; at: number } | null = null;
  /** A read under way: a flood's deliveries finding the copy old at once share one query. */
  private reading: Promise<StoredTarget[]> | null = null;

  constructor(private readonly db: Db) {}

  /** Every stored target, re-read when the copy is older than RELOAD_MS (or now, `fresh`). */
  async all(fresh = false): Promise<StoredTarget[]> {
    if (fresh) return this.read();
    if (this.cached && Date.now() - this.cached.at < RELOAD_MS) return this.cached.targets;
    this.reading ??= this.read().finally(() => (this.reading = null));
    return this.reading;
  }

  private async read(): Promise<StoredTarget[]> {
    const rows = await this.db.query<{
      name: string;
      provider: string;
      settings: Record<string, unknown>;
      version: string;
      updated_by: string;
      updated_at: Date;
    }>('select name, provider, settings, version, updated_by, updated_at from notify_targets order by name');
    const targets = rows.rows.map((row) => ({
      name: row.name,
      provider: row.provider,
      settings: row.settings,
      version: Number(row.version),
      updatedBy: row.updated_by,
      updatedAt: row.updated_at.toISOString(),
    }));
    this.cached = { targets, at: Date.now() };
    return targets;
  }

  /** The last copy read (empty before the first read): for views that cannot wait. */
  known(): StoredTarget[] {
    return this.cached?.targets ?? [];
  }

  /**
   * Validates the settings with the kind's schema (400 naming `settings.<key>`), keeps each secret left out or
   * sent back as `(set)`, stores and logs the change. `kind` is null for a provider that takes no stored targets.
   */
  async put(name: string, body: unknown, kind: (provider: string) => StoredTargetKind | null, who: string) {
    const parsedName = targetNameSchema.safeParse(name);
    if (!parsedName.success)
      throw validationError({ issues: [{ path: ['name'], message: parsedName.error.issues[0]!.message }] }, 'target');
    const parsed = targetBodySchema.safeParse(body);
    if (!parsed.success) throw validationError(parsed.error, 'target');
    const provider = kind(parsed.data.provider);
    if (!provider)
      throw new HubError(
        'HUB_ERR_VALIDATION',
        `invalid target: no provider "${parsed.data.provider}" takes stored targets here`,
        [{ field: 'provider', message: `not a provider that takes stored targets` }],
      );
    const before = (await this.all(true)).find((target) => target.name === name) ?? null;
    if (before && before.provider !== parsed.data.provider)
      throw new HubError(
        'HUB_ERR_CONFLICT',
        `target "${name}" is a ${before.provider} target: delete it first to make it a ${parsed.data.provider} one`,
      );
    const secrets = secretKeys(provider);
    const given = { ...parsed.data.settings };
    for (const key of secrets) {
      const kept = before?.settings[key];
      // `null` removes a secret (a Slack target moving from a token to a webhook); left out or `(set)` keeps it.
      if (given[key] === null) delete given[key];
      else if ((given[key] === undefined || given[key] === SECRET_SET) && kept !== undefined) given[key] = kept;
    }
    const settings = provider.settings.strict().safeParse(given);
    if (!settings.success) {
      throw validationError(
        // A refused secret is named, never echoed: zod's messages do not quote the value.
        {
          issues: settings.error.issues.map((issue) => ({ path: ['settings', ...issue.path], message: issue.message })),
        },
        'target',
      );
    }
    const after = settings.data;
    await this.db.transaction(async (client) => {
      await client.query(
        `insert into notify_targets (name, provider, settings, updated_by) values ($1, $2, $3, $4)
         on conflict (name) do update set settings = excluded.settings, version = notify_targets.version + 1,
           updated_by = excluded.updated_by, updated_at = now()`,
        [name, provider.provider, JSON.stringify(after), who],
      );
      await this.logChange(
        client,
        who,
        name,
        before && { provider: before.provider, settings: shownSettings(provider, before.settings) },
        { provider: provider.provider, settings: shownSettings(provider, after) },
      );
    });
    this.cached = null;
    return { name, provider: provider.provider, settings: shownSettings(provider, after) };
  }

  /** Removes a stored target; `usedBy` names a stored route that still sends to it (409). */
  async remove(name: string, kind: StoredTargetKind | undefined, usedBy: string | null, who: string): Promise<void> {
    const before = (await this.all(true)).find((target) => target.name === name);
    if (!before) throw new HubError('HUB_ERR_NOT_FOUND', `no stored target "${name}"`);
    if (usedBy !== null)
      throw new HubError(
        'HUB_ERR_CONFLICT',
        `target "${name}" is used by the route "${usedBy}": change the routes first`,
      );
    await this.db.transaction(async (client) => {
      await client.query('delete from notify_targets where name = $1', [name]);
      await this.logChange(
        client,
        who,
        name,
        { provider: before.provider, settings: shownSettings(kind, before.settings) },
        null,
      );
    });
    this.cached = null;
  }

  /** One row of `notify_changes`: `before` and `after` as shown (each secret `(set)`), null when absent. */
  private async logChange(client: Queryable, who: string, name: string, before: Shown | null, after: Shown | null) {
    await client.query('insert into notify_changes (who, name, before, after) values ($1, $2, $3, $4)', [
      who,
      `target:${name}`,
      JSON.stringify(before),
      JSON.stringify(after),
    ]);
  }
}
