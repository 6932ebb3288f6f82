import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { Hub } from '../../src/hub.js';
import { createLogger } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redact.js';
import { aspenDeployment } from '../support/aspen.js';
import { isAlive } from '../../src/util/processes.js';
import { waitFor } from '../support/hub.js';
import { spawnHub, type HubProcess } from '../support/process-hub.js';

/**
 * The embedded default: no DATABASE_URL, so the hub runs a PostgreSQL of its own under DATA_DIR. Every
 * hub here is built from an env without DATABASE_URL (the test runner's own DATABASE_URL is not passed
 * on), and each test checks that the server it talks to is the one whose postmaster.pid is in DATA_DIR.
 */

interface Postmaster {
  pid: number;
  port: number;
}

function postmasterFile(dataDir: string): string {
  return path.join(dataDir, 'postgres', 'postmaster.pid');
}

async function readPostmaster(dataDir: string): Promise<Postmaster | null> {
  const file = postmasterFile(dataDir);
  if (!existsSync(file)) return null;
  const lines = (await readFile(file, 'utf8')).split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

/**
 * A DATA_DIR of its own. As root the embedded server runs as the `postgres` user, which must be able to
 * traverse every directory above DATA_DIR; mkdtemp makes 0700 directories, so open this one up.
 */
async function makeDataDir(): Promise<{ root: string; dataDir: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'alvares-embedded-'));
  await chmod(root, 0o755);
  return { root, dataDir: path.join(root, 'data') };
}

/** Last-resort cleanup when a test failed half-way: stop the server this test's hub started, by its pid. */
async function stopLeftoverServer(dataDir: string): Promise<void> {
  const postmaster = await readPostmaster(dataDir);
  if (!postmaster || !isAlive(postmaster.pid)) return;
  process.kill(postmaster.pid, 'SIGINT');
  await waitFor(() => !isAlive(postmaster.pid), 15_000, 'leftover embedded PostgreSQL to stop').catch(() => undefined);
}

function silentLogger() {
  const level = process.env.TEST_LOG_LEVEL;
  return createLogger({ level: level ?? 'error', redactor: new Redactor(), silent: !level, json: true });
}

async function putDeployment(url: string, version: string): Promise<string> {
  const res = await request(url).put('/api/v1/deployment').send(aspenDeployment({ version })).expect(200);
  return res.body.id as string;
}

async function historyIds(url: string): Promise<string[]> {
  const res = await request(url).get('/api/v1/deployments').expect(200);
  return (res.body.deployments as Array<{ id: string }>).map((deployment) => deployment.id);
}

describe('a hub started without DATABASE_URL', () => {
  let root: string;
  let dataDir: string;
  let hub: Hub | null = null;

  beforeAll(async () => {
    ({ root, dataDir } = await makeDataDir());
  });
  afterAll(async () => {
    await hub?.stop().catch(() => undefined);
    await stopLeftoverServer(dataDir);
    await rm(root, { recursive: true, force: true });
  });

  function newHub(): Hub {
    return new Hub({
      env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir },
      modules: [databaseModule],
      logger: silentLogger(),
    });
  }

  it('runs its own PostgreSQL under DATA_DIR, keeps the history between runs and stops the server with it', async () => {
    hub = newHub();
    expect(hub.config.databaseUrl).toBeUndefined();
    await hub.start();

    const first = await readPostmaster(dataDir);
    expect(first).not.toBeNull();
    expect(isAlive(first!.pid)).toBe(true);
    // The pool talks to the server in DATA_DIR, not to the tests' PostgreSQL.
    const port = await hub.db.query<{ port: number }>('select inet_server_port() as port');
    expect(port.rows[0]!.port).toBe(first!.port);

    const id = await putDeployment(hub.url, 'embedded-1');
    await waitFor(async () => (await historyIds(hub!.url)).includes(id), 10_000, 'deployment in the history');

    await hub.stop();
    hub = null;
    expect(existsSync(postmasterFile(dataDir))).toBe(false);
    expect(isAlive(first!.pid)).toBe(false);

    // A new hub on the same DATA_DIR: same cluster files, a fresh server, the earlier deployment still there.
    hub = newHub();
    await hub.start();
    const second = await readPostmaster(dataDir);
    expect(second).not.toBeNull();
    expect(second!.pid).not.toBe(first!.pid);
    expect(await historyIds(hub.url)).toEqual([id]);
    const later = await putDeployment(hub.url, 'embedded-2');
    await waitFor(async () => (await historyIds(hub!.url)).length === 2, 10_000, 'second deployment in the history');
    expect(await historyIds(hub.url)).toEqual([later, id]);

    await hub.stop();
    hub = null;
    expect(existsSync(postmasterFile(dataDir))).toBe(false);
    expect(isAlive(second!.pid)).toBe(false);
  }, 60_000);

  it('stops promptly even when its PostgreSQL already died', async () => {
    hub = newHub();
    await hub.start();
    const server = await readPostmaster(dataDir);
    process.kill(server!.pid, 'SIGKILL');
    await waitFor(() => !isAlive(server!.pid), 10_000, 'PostgreSQL gone');
    const started = Date.now();
    await hub.stop();
    hub = null;
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);
});

describe('a hub process on the embedded default', () => {
  let root: string;
  let dataDir: string;
  const processes: HubProcess[] = [];

  beforeAll(async () => {
    ({ root, dataDir } = await makeDataDir());
  });
  afterAll(async () => {
    for (const hub of processes) {
      if (hub.child.exitCode === null && hub.child.signalCode === null) {
        hub.child.kill('SIGKILL');
        await hub.exited;
      }
    }
    await stopLeftoverServer(dataDir);
    await rm(root, { recursive: true, force: true });
  });

  it('killed with SIGKILL, leaves its server running; the next hub adopts it, serves the data and stops it on SIGTERM', async () => {
    const first = await spawnHub({ DATA_DIR: dataDir });
    processes.push(first);
    expect(first.output()).toMatch(/embedded PostgreSQL started/);
    const id = await putDeployment(first.url, 'process-1');
    await waitFor(async () => (await historyIds(first.url)).includes(id), 10_000, 'deployment in the history');
    const server = await readPostmaster(dataDir);
    expect(server).not.toBeNull();

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    // Nobody stopped the server: it outlives the hub that started it.
    expect(isAlive(server!.pid)).toBe(true);

    const second = await spawnHub({ DATA_DIR: dataDir });
    processes.push(second);
    expect(second.output()).toMatch(/embedded PostgreSQL was still running; using it/);
    expect(second.output()).not.toMatch(/embedded PostgreSQL started/);
    // The very same server process, found through postmaster.pid and the stored password.
    expect((await readPostmaster(dataDir))?.pid).toBe(server!.pid);
    expect(await historyIds(second.url)).toEqual([id]);

    // A second live hub on the same DATA_DIR would adopt this one's server and stop it on its way out.
    await expect(spawnHub({ DATA_DIR: dataDir })).rejects.toThrow(/DATA_DIR .* is in use by the hub with pid/);
    expect(await historyIds(second.url)).toEqual([id]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/hub stopped/);
    expect(isAlive(server!.pid)).toBe(false);
    expect(existsSync(postmasterFile(dataDir))).toBe(false);
  }, 60_000);
});
