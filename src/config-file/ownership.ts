import { HubError } from '../errors.js';
import type { Db, Queryable } from '../store/db.js';

/** The kinds of live object a configuration file can own, each keyed by its identity within the kind. */
export type OwnedKind =
  'target' | 'routes' | 'template' | 'silence' | 'check' | 'parameter' | 'module' | 'module-config';

/** Where a live object came from: the configuration file, the HTTP API (or the page), or the hub's defaults. */
export type Origin = 'file' | 'api' | 'default';

export interface OwnedRow {
  kind: OwnedKind;
  key: string;
  file: string;
  digest: string;
  ref: string | null;
}

/** The whole list of routes is one object: a file with `routes` owns all of them. */
export const ROUTES_KEY = '*';

/** Reads are cached this long: the API guard asks on every write, and a file change is seconds old anyway. */
const CACHE_MS = 1_000;

/**
 * What the configuration file owns, shared by every replica (`config_owned`). The API consults it before a
 * write (409 naming the file); applying a file rewrites it in the same transaction as the objects.
 */
export class Ownership {
  private cached: { rows: OwnedRow[]; at: number } | null = null;

  constructor(private readonly db: Db) {}

  async all(): Promise<OwnedRow[]> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.rows;
    const rows = (await this.db.query<OwnedRow>('select kind, key, file, digest, ref from config_owned')).rows;
    this.cached = { rows, at: Date.now() };
    return rows;
  }

  async ofKind(kind: OwnedKind): Promise<Map<string, OwnedRow>> {
    return new Map((await this.all()).filter((row) => row.kind === kind).map((row) => [row.key, row]));
  }

  /** The file that owns the object, or null when the API may write it. */
  async fileOf(kind: OwnedKind, key: string): Promise<string | null> {
    return (await this.all()).find((row) => row.kind === kind && row.key === key)?.file ?? null;
  }

  /** A silence is owned by name; the API knows it by id. */
  async fileOfSilence(id: string): Promise<string | null> {
    return (await this.all()).find((row) => row.kind === 'silence' && row.ref === id)?.file ?? null;
  }

  /**
   * Refuses ending a silence the file owns (409 naming the file), for the API and the page alike: the file says
   * how long it holds, so it ends by being removed from the file.
   */
  async refuseEndingOwnedSilence(id: string): Promise<void> {
    const file = await this.fileOfSilence(id);
    if (file) throw new HubError('HUB_ERR_CONFLICT', ownedSilenceReason(file, id));
  }

  forget(): void {
    this.cached = null;
  }
}

/** Why a silence the file owns cannot be ended here; shown on the page in place of its End button too. */
export function ownedSilenceReason(file: string, id?: string): string {
  return `${id ? `silence ${id} is set` : 'Set'} by the configuration file ${file}: end it by removing it from the file`;
}

/** Records (or clears, with `row` null) one owned object, inside the caller's transaction. */
export async function recordOwned(
  client: Queryable,
  kind: OwnedKind,
  key: string,
  row: { file: string; digest: string; ref?: string | null } | null,
): Promise<void> {
  if (row === null) {
    await client.query('delete from config_owned where kind = $1 and key = $2', [kind, key]);
    return;
  }
  await client.query(
    `insert into config_owned (kind, key, file, digest, ref) values ($1, $2, $3, $4, $5)
     on conflict (kind, key) do update set file = excluded.file, digest = excluded.digest, ref = excluded.ref,
       updated_at = now()`,
    [kind, key, row.file, row.digest, row.ref ?? null],
  );
}
