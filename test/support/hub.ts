import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Hub } from '../../src/hub.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
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
 * TEST_LOG_LEVEL is set (or a `logger` is passed: test/support/captured-logger.ts). Pass `databaseUrl` to start
 * a second hub (a replica) on the same store.
 */
export async function startTestHub(
  options: { env?: Env; modules?: readonly AnyModuleDefinition[]; databaseUrl?: string; logger?: Logger } = {},
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
    // The weekly summary's cron (Monday 08:00 UTC) would otherwise fire in whichever test runs at that minute
    // and post to its fake Slack; tests of the summary run it on purpose (an empty value restores the default).
    SCHEDULE_CORE_INSIGHTS_WEEKLY: 'off',
    // Tests send wrong credentials on purpose, all from 127.0.0.1; the throttle's own tests turn it on.
    AUTH_FAILURES_PER_MINUTE: '0',
    ...options.env,
  };
  const level = process.env.TEST_LOG_LEVEL;
  const logger =
    options.logger ?? createLogger({ level: level ?? 'error', redactor: new Redactor(), silent: !level, json: true });
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
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
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
  const reason = last instanceof Error ? String(last) : JSON.stringify(last);
  throw new Error(`timed out waiting for ${what}${last ? `: ${reason}` : ''}`);
}

/**
 * Waits until the hub has nothing left to do: no delivery queued, running or waiting to retry, and no job
 * in the queue (of `task` only, when given: a storm follow-up, a scheduled tick). Tests that assert
 * "nothing more happens" wait for this rather than for a fixed time.
 */
export async function waitForQuiet(hub: TestHub, options: { task?: string; timeoutMs?: number } = {}): Promise<void> {
  await waitFor(
    async () => {
      const pending = await hub.hub.db.query<{ deliveries: number; jobs: number }>(
        `select (select count(*)::int from deliveries where status in ('queued', 'in_progress', 'failed')) as deliveries,
                (select count(*)::int from graphile_worker.jobs where ($1::text is null or task_identifier = $1)
                   -- the next tick of an interval schedule always waits in the queue; it is not pending work
                   and not (key like 'schedule:%' and run_at > now() and locked_at is null)) as jobs`,
        [options.task ?? null],
      );
      const row = pending.rows[0]!;
      return row.deliveries === 0 && row.jobs === 0;
    },
    options.timeoutMs ?? 15_000,
    'a quiet hub',
  );
}
