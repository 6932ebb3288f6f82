import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MODULES } from '../../modules/index.js';
import type { Env } from '../../src/config/env.js';
import { openApiDocument } from '../../src/http/openapi.js';
import { Hub } from '../../src/hub.js';
import { createLogger } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redact.js';

/** One series of the hub's registry, as prom-client describes it. */
export interface MetricFact {
  name: string;
  type: string;
  labelNames: string[];
  help: string;
}

/** What the reference pages read from a started hub: its OpenAPI document and its own metric series. */
export interface HubFacts {
  openapi: Record<string, unknown>;
  metrics: MetricFact[];
}

/**
 * The OpenAPI document and metrics of a hub with every module's routes mounted. Both are built from what the hub
 * really mounts and registers, so they take a started hub: on `databaseUrl` when given (the tests' fresh
 * database), otherwise on an embedded PostgreSQL in a temporary directory, so `npm run docs` never touches a
 * configured database.
 */
export async function startedHubFacts(databaseUrl?: string): Promise<HubFacts> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'alvares-docs-'));
  const env: Env = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    HUB_PUBLIC_URL: 'http://localhost:3010',
    SCHEDULE_CORE_INSIGHTS_WEEKLY: 'off',
    // A module's routes are mounted while it is on. Lighthouse is on when CHROME_PATH is an executable; any
    // executable does, since nothing is audited here.
    CHROME_PATH: process.execPath,
  };
  const logger = createLogger({ level: 'error', redactor: new Redactor(), silent: true, json: true });
  const hub = new Hub({ env, modules: MODULES, logger });
  try {
    await hub.start();
    const { registry } = hub.ops.metrics;
    // prom-client's default process_* and nodejs_* series are the library's, named on the page as a group.
    const metrics: MetricFact[] = (await registry.getMetricsAsJSON())
      .filter((metric) => metric.name.startsWith('alvares_'))
      .map((metric) => ({
        name: metric.name,
        type: String(metric.type),
        help: metric.help,
        labelNames: [
          ...((registry.getSingleMetric(metric.name) as { labelNames?: string[] } | undefined)?.labelNames ?? []),
        ],
      }));
    return { openapi: openApiDocument(hub.app!, { version: 'docs', serverUrl: 'http://localhost:3010' }), metrics };
  } finally {
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
