import type { Express } from 'express';
import { coreSecrets, parseCoreConfig, type CoreConfig } from './config/config.js';
import { parseOpsConfig, type OpsConfig } from './config/ops-config.js';
import type { Env } from './config/env.js';
import { CheckSystem } from './checks/check-system.js';
import { Deliverer } from './delivery/deliverer.js';
import { DeliveryEngine } from './delivery/engine.js';
import { ConfigError } from './errors.js';
import { EventAppender, type TargetFinder } from './bus/appender.js';
import { buildApp } from './http/app.js';
import { Access } from './http/auth.js';
import { hubRouters } from './http/routes/hub-routers.js';
import { HubServer } from './http/server.js';
import { stormFollowUpTask } from './ingest/storms.js';
import { Insights } from './insights/insights.js';
import { insightsWeeklySchedule } from './insights/weekly.js';
import type { AnyLogLevel } from './logging/levels.js';
import { createLogger, type Logger } from './logging/logger.js';
import { Redactor } from './logging/redact.js';
import type { AnyModuleDefinition } from './module-system/contract.js';
import { resolveDeliveryOverrides } from './module-system/overrides.js';
import { ModuleRegistry, parseModuleConfigs, validateDefinitions } from './module-system/registry.js';
import { Operations } from './ops/operations.js';
import { createHttpClient } from './outbound/http-client.js';
import { pruneSchedule } from './scheduler/core-schedules.js';
import { Scheduler } from './scheduler/scheduler.js';
import { collectSchedules } from './scheduler/schedules.js';
import type { Db } from './store/db.js';
import { findOwnDelivery } from './store/delivery-views.js';
import { SCHEDULE_TASK, STORM_TASK } from './store/jobs.js';
import { openStore, type Store } from './store/open-store.js';
import { ActivityRecorder } from './stream/activity-recorder.js';
import { HubStream } from './stream/hub-stream.js';
import { StatusPage } from './status-page/status-page.js';

export interface HubOptions {
  env: Env;
  modules: readonly AnyModuleDefinition[];
  /** Tests pass a silent or captured logger; the process uses the configured one. */
  logger?: Logger;
  /** POST /api/v1/admin/shutdown: the process passes its SIGTERM path; by default the hub stops itself. */
  onShutdownRequest?: (reason: string) => void;
}

/**
 * The whole hub, composed: the socket, the store, the stream, the one door for events, the modules, the
 * delivery engine and scheduler, the HTTP routes. `start` opens them in that order; `stop` closes them in
 * reverse: stop accepting HTTP, finish accepted writes, drain deliveries, stop modules, close the store.
 */
export class Hub {
  readonly redactor: Redactor;
  readonly logger: Logger;
  readonly stream: HubStream;
  /** Metrics, log levels, module configuration at run time, heartbeat figures. */
  readonly ops: Operations;
  private readonly opsConfig: OpsConfig;
  private settings: Readonly<CoreConfig>;
  private readonly moduleConfigs: Map<string, unknown>;
  private readonly deliveryOverrides: ReturnType<typeof resolveDeliveryOverrides>['overrides'];
  private readonly server = new HubServer();
  private store: Store | null = null;
  private registryHandle: ModuleRegistry | null = null;
  private engine: DeliveryEngine | null = null;
  private appender: EventAppender | null = null;
  private recorder: ActivityRecorder | null = null;
  private statusPage: StatusPage | null = null;
  private ready = false;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: HubOptions) {
    validateDefinitions(options.modules);
    const core = parseCoreConfig(options.env);
    const modules = parseModuleConfigs(options.modules, options.env);
    const overrides = resolveDeliveryOverrides(
      options.modules.map((definition) => definition.name),
      core.ok ? core.value.deliveryOverrides : {},
    );
    const opsConfig = parseOpsConfig(options.env);
    const problems = [
      ...(core.ok ? [] : core.problems),
      ...modules.problems,
      ...overrides.problems,
      ...(opsConfig.ok ? [] : opsConfig.problems),
    ];
    if (!core.ok || !opsConfig.ok || problems.length > 0) throw new ConfigError(problems);
    this.opsConfig = opsConfig.value;
    this.settings = Object.freeze(core.value);
    this.moduleConfigs = modules.configs;
    this.deliveryOverrides = overrides.overrides;
    this.redactor = new Redactor([
      ...coreSecrets(this.settings, options.env),
      ...(this.opsConfig.metricsToken ? [this.opsConfig.metricsToken] : []),
    ]);
    for (const definition of options.modules) {
      const secrets = definition.secrets?.(this.moduleConfigs.get(definition.name)) ?? [];
      this.redactor.addSecrets(secrets.filter((value): value is string => typeof value === 'string'));
    }
    this.logger = options.logger ?? createLogger({ level: this.settings.logLevel, redactor: this.redactor });
    this.stream = new HubStream(this.logger);
    this.ops = new Operations({
      logger: this.logger,
      stream: this.stream,
      env: options.env,
      definitions: options.modules,
      redactor: this.redactor,
      // A logger handed in (tests) keeps its own level as the starting one.
      environmentLevel: (options.logger?.level ?? this.settings.logLevel) as AnyLogLevel,
      hubId: () => this.engine?.instanceId ?? 'starting',
      config: this.opsConfig,
    });
  }

  /** The configuration in force; frozen, its public URL final once the hub listens. */
  get config(): Readonly<CoreConfig> {
    return this.settings;
  }

  get db(): Db {
    if (!this.store) throw new Error('hub not started');
    return this.store.db;
  }

  get registry(): ModuleRegistry {
    if (!this.registryHandle) throw new Error('hub not started');
    return this.registryHandle;
  }

  /** The express app serving requests, once started. */
  get app(): Express | null {
    return this.server.attached;
  }

  /** The URL the hub listens on (with the real port when PORT=0). */
  get url(): string {
    const port = this.server.port;
    return port === null ? this.settings.publicUrl : `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const { logger, redactor, stream } = this;
    // Listen first: links handed out (messages, answers) need the port really bound when PORT=0.
    const port = await this.server.listen(this.settings.port, this.settings.host);
    if (!this.options.env.HUB_PUBLIC_URL?.trim())
      this.settings = Object.freeze({ ...this.settings, publicUrl: `http://localhost:${port}` });
    const config = this.settings;

    const store = await openStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.workerConcurrency + 12,
      migrations: this.options.modules.map((definition) => ({
        owner: definition.name,
        migrations: definition.migrations ?? [],
      })),
      logger,
      redactor,
    });
    this.store = store;
    await this.ops.open(store.db, this.moduleConfigs);
    // Before anything can happen: every happening from here on reaches the live feed of every replica.
    this.recorder = new ActivityRecorder(store.feedDb, logger);
    this.recorder.start(stream);

    const writer = {
      dedupeWindowSeconds: config.idempotencyWindowSeconds,
      stormWindowSeconds: config.errorStormWindowSeconds,
    };
    const targets: TargetFinder = (type, payload) =>
      registry
        .subscribersOf(type, payload)
        .map((module) => ({ module, policy: registry.policyFor(module), queuedOnly: registry.isSerial(module) }));
    const appender = new EventAppender(store.keyedDb, targets, writer, stream);
    this.appender = appender;
    const registry = new ModuleRegistry(this.options.modules, {
      db: store.db,
      core: config,
      logger,
      stream,
      configs: this.moduleConfigs,
      deliveryOverrides: this.deliveryOverrides,
      http: (options, moduleLog) => createHttpClient(options, { redactor, logger: moduleLog }),
      ownDelivery: (eventId, module) => findOwnDelivery(store.db, eventId, module),
      publish: async (source, type, payload, options) => {
        const appended = await store.db.transaction((client) =>
          appender.append(client, [{ type, payload: payload as never, parentId: options?.parentId ?? null, source }]),
        );
        appender.announce(appended);
        return appended.accepted[0]?.eventId ?? '';
      },
    });
    this.registryHandle = registry;
    await registry.start();

    const deliverer = new Deliverer({
      db: store.db,
      keyedDb: store.keyedDb,
      registry,
      appender,
      stream,
      logger,
      redactor,
      backoff: { baseMs: config.backoffBaseMs, maxMs: config.backoffMaxMs },
    });
    const engine = new DeliveryEngine(store.db, deliverer, registry, logger, config.workerConcurrency);
    this.engine = engine;
    this.ops.attach(registry, engine);
    const http = (options: Parameters<typeof createHttpClient>[0], log: Logger) =>
      createHttpClient(options, { redactor, logger: log });
    const checks = new CheckSystem({
      db: store.db,
      appender,
      stream,
      logger,
      redactor,
      core: config,
      env: this.options.env,
      http,
      modules: () => registry.statuses(),
      declared: registry.inspections(),
    });
    const insights = new Insights({ db: store.db, publicUrl: () => this.settings.publicUrl });
    const declared = [
      { owner: 'core', work: pruneSchedule(store.db, config.eventRetentionDays) },
      { owner: 'core', work: insightsWeeklySchedule(insights) },
      ...checks.schedules(),
      ...registry.schedules(),
    ];
    const { schedules, problems } = collectSchedules(declared, config.scheduleOverrides);
    if (problems.length > 0 || checks.problems.length > 0) throw new ConfigError([...checks.problems, ...problems]);
    checks.useSchedules(schedules);
    for (const gauge of checks.gauges()) this.ops.metrics.addGauge(gauge);
    const scheduler = new Scheduler(
      {
        db: store.db,
        appender,
        stream,
        logger,
        redactor,
        hubId: engine.instanceId,
        isOn: (owner) => owner === 'core' || registry.isEnabled(owner),
      },
      schedules,
    );
    await engine.start({
      tasks: {
        [SCHEDULE_TASK]: scheduler.task,
        [STORM_TASK]: stormFollowUpTask({
          db: store.db,
          appender,
          logger,
          windowSeconds: config.errorStormWindowSeconds,
        }),
      },
      cronItems: scheduler.cronItems(),
    });
    // Ingested events' deliveries run in this hub with no queue job while it has room; the rest are queued.
    appender.runLocally(engine.local);
    await scheduler.startIntervals();

    const statusPage = new StatusPage({
      db: store.db,
      logger,
      adminToken: config.adminToken,
      readToken: config.security.readToken,
      publicReading: config.statusPagePublic,
    });
    this.statusPage = statusPage;
    await statusPage.start();

    const access = new Access({ adminToken: config.adminToken, security: config.security });
    const routers = hubRouters({
      db: store.db,
      config,
      opsConfig: this.opsConfig,
      appender,
      registry,
      engine,
      scheduler,
      checks,
      insights,
      ops: this.ops,
      statusPage,
      access,
      isReady: () => this.ready,
      publicUrl: () => this.settings.publicUrl,
      shutdown: (reason) => {
        logger.warn('shutdown requested over the admin API', { reason });
        if (this.options.onShutdownRequest) this.options.onShutdownRequest(reason);
        else void this.stop();
      },
    });
    this.server.attach(buildApp({ routers, logger, redactor, metrics: this.ops.metrics, access }));
    this.ready = true;
    logger.info('hub listening', {
      url: this.url,
      store: store.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL',
      modules: registry.statuses().map((status) => `${status.name}:${status.enabled ? 'on' : 'off'}`),
    });
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.ready = false;
    const { logger, settings } = this;
    logger.info('hub stopping');
    this.statusPage?.closeStreams();
    await this.server.close(settings.shutdownTimeoutMs);
    // Requests already answered 200 are committed; wait for those still committing.
    const until = Date.now() + settings.shutdownTimeoutMs;
    while (this.appender && !this.appender.idle && Date.now() < until) await delay(20);
    await this.engine?.stop(settings.shutdownTimeoutMs);
    await this.registryHandle?.stop();
    await this.recorder?.stop();
    await this.statusPage?.stop();
    await this.ops.close();
    await this.store?.close();
    logger.info('hub stopped');
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
