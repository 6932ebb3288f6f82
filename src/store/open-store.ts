import { runMigrations as runQueueMigrations } from 'graphile-worker';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import { CORE_MIGRATIONS } from './core-migrations.js';
import { createDb, type Db } from './db.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.js';
import { runMigrations, type Migration } from './migrate.js';

export interface Store {
  db: Db;
  /** The write path's own connections: ingest, claims and outcomes, one statement in flight each. */
  keyedDb: Db;
  /**
   * The live feed's connection (status_activity): its commits do not wait for the WAL flush. The feed is for
   * browsers, in an unlogged table a crash empties anyway; ingest's and deliveries' commits need not queue
   * behind it.
   */
  feedDb: Db;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * The hub's PostgreSQL: the server DATABASE_URL names, or an embedded one started under DATA_DIR; then the
 * queue's tables, the core's and every module's migrations. The same code path either way.
 */
export async function openStore(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  migrations: Array<{ owner: string; migrations: readonly Migration[] }>;
  logger: Logger;
  redactor: Redactor;
}): Promise<Store> {
  let embedded: EmbeddedDatabase | null = null;
  let url = options.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedDatabase(options.dataDir, options.logger);
    options.redactor.addSecrets([embedded.password]);
    url = embedded.url;
  }
  const db = createDb(url, { max: options.poolSize });
  const keyedDb = createDb(url, { max: 4, applicationName: 'alvares-write-path', keyedOnly: true });
  const feedDb = createDb(url, { max: 1, applicationName: 'alvares-live-feed', asynchronousCommit: true });
  const close = async () => {
    await feedDb.close();
    await keyedDb.close();
    await db.close();
    await embedded?.stop();
  };
  try {
    await runQueueMigrations({ pgPool: db.pool, logger: undefined });
    const applied = await runMigrations(db, [{ owner: 'core', migrations: CORE_MIGRATIONS }, ...options.migrations]);
    if (applied.length > 0) options.logger.info('migrations applied', { applied });
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { db, keyedDb, feedDb, embedded: embedded !== null, close };
}
