import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Hub } from '../../src/hub.js';
import { createLogger } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redact.js';
import type { AnyModuleDefinition } from '../../src/module-system/contract.js';
import type { Env } from '../../src/config/env.js';
import { MODULES } from '../../modules/index.js';
import { createTestDatabase } from './database.js';

export interface TestHub {
  hub: Hub;
  url: string;
  databaseUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A real hub on a port of its own, on a fresh database of the tests' PostgreSQL. Logs are silent unless
 * TEST_LOG_LEVEL is set. Pass `databaseUrl` to start a second hub (a replica) on the same store.
 */
export async function startTestHub(
  options: { env?: Env; modules?: readonly AnyModuleDefinition[]; databaseUrl?: string } = {},
): Promise<TestHub> {
  const database = options.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database!.url;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'alvares-hub-'));
  const env: Env = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    DELIVERY_BACKOFF_BASE_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '500',
    SHUTDOWN_TIMEOUT_MS: '3000',
    ...options.env,
  };
  const level = process.env.TEST_LOG_LEVEL;
  const logger = createLogger({ level: level ?? 'error', redactor: new Redactor(), silent: !level, json: true });
  const hub = new Hub({ env, modules: options.modules ?? MODULES, logger });
  try {
    await hub.start();
  } catch (error) {
    await hub.stop().catch(() => undefined);
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    hub,
    url: hub.url,
    databaseUrl,
    dataDir,
    async stop() {
      await hub.stop();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
