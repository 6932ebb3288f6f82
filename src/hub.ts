import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { runMigrations as runQueueMigrations } from 'graphile-worker';
import type pg from 'pg';
import { Bus } from './bus/bus.js';
import { coreSecrets, parseCoreConfig, type CoreConfig } from './config/config.js';
import type { Env } from './config/env.js';
import { DeliveryEngine } from './delivery/engine.js';
import { SCHEDULE_TASK } from './delivery/jobs.js';
import type { ErrorReport } from './events/enrich.js';
import { buildApp } from './http/app.js';
import { adminRoutes, moduleRoutes } from './http/routes/admin.js';
import { eventRoutes } from './http/routes/events.js';
import { healthRoutes } from './http/routes/health.js';
import { ingestRoutes } from './http/routes/ingest.js';
import { IngestService, deliveryTargets } from './ingest/ingest.js';
import { createLogger, type Logger } from './logging/logger.js';
import { Redactor } from './logging/redact.js';
import type { AnyModuleDefinition } from './module-system/contract.js';
import { ModuleRegistry, parseModuleConfigs, validateDefinitions } from './module-system/registry.js';
import { createHttpClient } from './outbound/http-client.js';
import { CORE_MIGRATIONS } from './store/core-migrations.js';
import { createDb, type Db } from './store/db.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './store/embedded.js';
import { EventWriter, writeEvents, type WriterOptions } from './store/event-writer.js';
import { runMigrations } from './store/migrate.js';
import { pruneSchedule } from './store/retention.js';
import { Scheduler, collectSchedules } from './scheduler/scheduler.js';
import { scheduleRoutes } from './http/routes/schedules.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export interface HubOptions {
  env: Env;
  modules: readonly AnyModuleDefinition[];
  /** Tests pass a silent or captured logger; the process uses the configured one. */
  logger?: Logger;
}

/**
 * The whole hub: store, bus, modules, delivery engine and HTTP. `start` opens them in order and `stop`
 * closes them in reverse: stop accepting HTTP, finish accepted writes, drain handlers, close modules,
 * close the pool, stop the embedded PostgreSQL.
 */
export class Hub {
  readonly config: CoreConfig;
  readonly redactor: Redactor;
  readonly logger: Logger;
  readonly bus: Bus;
  private readonly moduleConfigs: Map<string, unknown>;
  private embedded: EmbeddedDatabase | null = null;
  private dbHandle: Db | null = null;
  /** The write path's own connections: ingest, claims and outcomes, one statement in flight each. */
  private keyedDb: Db | null = null;
  private registryHandle: ModuleRegistry | null = null;
  private engine: DeliveryEngine | null = null;
  private writer: EventWriter | null = null;
  private server: http.Server | null = null;
  private ready = false;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: HubOptions) {
    validateDefinitions(options.modules);
    const core = parseCoreConfig(options.env);
    const modules = parseModuleConfigs(options.modules, options.env);
    const problems = [...(core.ok ? [] : core.problems), ...modules.problems];
    if (!core.ok || problems.length > 0) throw new ConfigError(problems);
    this.config = core.value;
    this.moduleConfigs = modules.configs;
    this.redactor = new Redactor(coreSecrets(this.config, options.env));
    for (const definition of options.modules) {
      const secrets = definition.secrets?.(this.moduleConfigs.get(definition.name)) ?? [];
      this.redactor.addSecrets(secrets.filter((value): value is string => typeof value === 'string'));
    }
    this.logger = options.logger ?? createLogger({ level: this.config.logLevel, redactor: this.redactor });
    this.bus = new Bus(this.logger);
  }

  get db(): Db {
    if (!this.dbHandle) throw new Error('hub not started');
    return this.dbHandle;
  }

  get registry(): ModuleRegistry {
    if (!this.registryHandle) throw new Error('hub not started');
    return this.registryHandle;
  }

  /** The URL the hub listens on (with the real port when PORT=0). */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    return address ? `http://127.0.0.1:${address.port}` : this.config.publicUrl;
  }

  async start(): Promise<void> {
    const { config, logger } = this;
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      this.embedded = await startEmbeddedDatabase(config.dataDir, logger);
      this.redactor.addSecrets([this.embedded.password]);
      databaseUrl = this.embedded.url;
    }
    this.dbHandle = createDb(databaseUrl, { max: config.workerConcurrency + 12 });
    this.keyedDb = createDb(databaseUrl, { max: 4, applicationName: 'alvares-write-path', keyedOnly: true });
    await runQueueMigrations({ pgPool: this.dbHandle.pool, logger: undefined });
    const applied = await runMigrations(this.dbHandle, [
      { owner: 'core', migrations: CORE_MIGRATIONS },
      ...this.options.modules.map((definition) => ({ owner: definition.name, migrations: definition.migrations ?? [] })),
    ]);
    if (applied.length > 0) logger.info('migrations applied', { applied });

    this.registryHandle = new ModuleRegistry(this.options.modules, {
      bus: this.bus,
      db: this.dbHandle,
      core: config,
      logger,
      configs: this.moduleConfigs,
      http: (options, moduleLog) => createHttpClient(options, { redactor: this.redactor, logger: moduleLog }),
    });
    await this.registryHandle.start();

    const writerOptions: WriterOptions = {
      dedupeWindowSeconds: config.idempotencyWindowSeconds,
      stormWindowSeconds: config.errorStormWindowSeconds,
    };
    this.writer = new EventWriter(this.keyedDb, writerOptions);
    this.engine = new DeliveryEngine(this.dbHandle, this.keyedDb, this.bus, this.registryHandle, logger, this.redactor, {
      concurrency: config.workerConcurrency,
      backoffBaseMs: config.backoffBaseMs,
      backoffMaxMs: config.backoffMaxMs,
      writer: writerOptions,
      onStormFollowUp: (leaderId, client) => this.followUpStorm(leaderId, client, writerOptions),
    });
    const declared = [{ owner: 'core', work: pruneSchedule(this.dbHandle, config.eventRetentionDays) }, ...this.registryHandle.schedules()];
    const { schedules, problems } = collectSchedules(declared, config.scheduleOverrides);
    if (problems.length > 0) throw new ConfigError(problems);
    const registry = this.registryHandle;
    const scheduler = new Scheduler(
      { db: this.dbHandle, bus: this.bus, logger, redactor: this.redactor, hubId: this.engine.instanceId, isOn: (owner) => owner === 'core' || registry.isEnabled(owner) },
      schedules,
    );
    await this.engine.start({ tasks: { [SCHEDULE_TASK]: scheduler.task }, cronItems: scheduler.cronItems() });

    const moduleRouter = Router();
    this.registryHandle.mountRoutes(moduleRouter);
    const routers: Router[] = [
      healthRoutes({ db: this.dbHandle, isReady: () => this.ready }),
      ingestRoutes({ config, ingest: new IngestService(config, this.registryHandle, this.writer) }),
      eventRoutes(this.dbHandle),
      moduleRoutes(this.registryHandle),
      scheduleRoutes(scheduler),
      adminRoutes({ db: this.dbHandle, registry: this.registryHandle, engine: this.engine, adminToken: config.adminToken }),
      moduleRouter,
    ];
    const app = buildApp({ routers, logger, redactor: this.redactor });
    this.server = http.createServer(app);
    // Aspen waits 5 s; a slow client must not hold a socket forever.
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
    this.server.keepAliveTimeout = 5_000;
    this.server.listen(config.port, config.host);
    await once(this.server, 'listening');
    // Links in messages and answers use HUB_PUBLIC_URL; without it, the port really bound (PORT=0 in tests).
    if (!this.options.env.HUB_PUBLIC_URL?.trim()) {
      this.config.publicUrl = `http://localhost:${(this.server.address() as AddressInfo).port}`;
    }
    this.ready = true;
    logger.info('hub listening', {
      url: this.url,
      store: this.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL',
      modules: this.registryHandle.statuses().map((status) => `${status.name}:${status.enabled ? 'on' : 'off'}`),
    });
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.ready = false;
    const { logger } = this;
    logger.info('hub stopping');
    if (this.server) {
      const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server.closeIdleConnections();
      await Promise.race([closed, delay(this.config.shutdownTimeoutMs)]);
      this.server.closeAllConnections();
    }
    // Requests already answered 200 are committed; wait for those still committing.
    const until = Date.now() + this.config.shutdownTimeoutMs;
    while (this.writer && !this.writer.idle && Date.now() < until) await delay(20);
    await this.engine?.stop(this.config.shutdownTimeoutMs);
    await this.registryHandle?.stop();
    await this.keyedDb?.close();
    await this.dbHandle?.close();
    await this.embedded?.stop();
    logger.info('hub stopped');
  }

  /** The end of an error storm's window: one follow-up error carrying the count of the coalesced repeats. */
  private async followUpStorm(leaderId: string, client: pg.PoolClient, writerOptions: WriterOptions): Promise<void> {
    const repeats = await client.query(
      'update events set storm_reported = true where storm_of = $1 and not storm_reported returning id',
      [leaderId],
    );
    if (repeats.rowCount === 0) return;
    const leader = await client.query<{ payload: ErrorReport; application_name: string | null; cluster: string | null; team: string | null }>(
      'select payload, application_name, cluster, team from events where id = $1',
      [leaderId],
    );
    const row = leader.rows[0];
    if (!row) return;
    const count = repeats.rowCount ?? 0;
    const minutes = Math.max(1, Math.round(this.config.errorStormWindowSeconds / 60));
    const payload: ErrorReport = {
      ...row.payload,
      message: `${row.payload.message}\n(repeated ${count} more time${count === 1 ? '' : 's'} within ${minutes} min)`,
      repeats: { count, firstEventId: leaderId, windowSeconds: this.config.errorStormWindowSeconds },
    };
    await writeEvents(
      client,
      [
        {
          id: randomUUID(),
          type: 'error',
          payload,
          raw: null,
          parentId: leaderId,
          applicationName: row.application_name,
          cluster: row.cluster,
          team: row.team,
          targets: deliveryTargets(this.registry, 'error', payload),
        },
      ],
      writerOptions,
    );
    this.logger.info('error storm summarised', { leaderId, repeats: count });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
