import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

/**
 * The tests' PostgreSQL: the server named by DATABASE_URL (CI: the machine's PostgreSQL 15), or, when
 * none is given, an embedded one started for this run with the hub's own code. Each test file then
 * makes its own database on it. (Plain .mjs: jest loads global setup outside its transformer.)
 */
export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.TEST_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const { startEmbeddedDatabase } = await tsImport('../../src/store/embedded.ts', import.meta.url);
  const { createLogger } = await tsImport('../../src/logging/logger.ts', import.meta.url);
  const { Redactor } = await tsImport('../../src/logging/redact.ts', import.meta.url);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-test-pg-'));
  const logger = createLogger({ level: 'error', redactor: new Redactor(), silent: true });
  const embedded = await startEmbeddedDatabase(dir, logger);
  process.env.TEST_ADMIN_DATABASE_URL = embedded.url;
  globalThis.__embedded = embedded;
}
