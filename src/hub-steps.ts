import { fallbackModules } from './notify/fallback.js';
import type { NotifyHooks } from './notify/hooks.js';
import { EventBus } from './bus/bus.js';
import type { ConfigFiles } from './config-file/service.js';
import { CheckSystem } from './checks/check-system.js';
import type { CoreConfig } from './config/config.js';
import { Deliverer } from './delivery/deliverer.js';
import { DeliveryEngine } from './delivery/engine.js';
import { ConfigError } from './errors.js';
import { buildApp } from './http/app.js';
import { AuthThrottle } from './http/auth-throttle.js';
import { Access } from './http/auth.js';
import { hubRouters } from './http/routes/hub-routers.js';
import type { HubServer } from './http/server.js';
import type { HubSettings } from './hub-settings.js';
import { IngestService } from './ingest/ingest.js';
import { stormFollowUpTask } from './ingest/storms.js';
import type { Insights } from './insights/insights.js';
import { insightsWeeklySchedule } from './insights/weekly.js';
import type { Logger } from './logging/logger.js';
import type { Redactor } from './logging/redact.js';
import type { AnyModuleDefinition } from './module-system/contract.js';
import { ModuleRegistry } from './module-system/registry.js';
import type { Operations } from './ops/operations.js';
import { createHttpClient } from './outbound/http-client.js';
import { pruneSchedule } from './scheduler/core-schedules.js';
import { Scheduler } from './scheduler/scheduler.js';
import { collectSchedules } from './scheduler/schedules.js';
import { Silences } from './silences/silences.js';
import { silenceSummariesSchedule } from './silences/summaries.js';
import { StatusPage } from './status-page/status-page.js';
import { findOwnDelivery } from './store/delivery-views.js';
import { SCHEDULE_TASK, STORM_TASK } from './store/jobs.js';
import { openStore, type Store } from './store/open-store.js';
import type { HubStream } from './stream/hub-stream.js';
import type { Env } from './config/env.js';

/**
 * The steps `Hub.start` composes the hub in, one function each, in the order it calls them. Each takes what
 * the hub made before it; none keeps state of its own (the hub records every part for `stop`).
 */

/** What every step reads: the parsed settings and the parts made before any step runs. */
export interface Ground {
  core: Readonly<CoreConfig>;
  settings: HubSettings;
  options: { env: Env; modules: readonly AnyModuleDefinition[]; onShutdownRequest?: (reason: string) => void };
  logger: Logger;
  redactor: Redactor;
  stream: HubStream;
  ops: Operations;
  notifyHooks: NotifyHooks;
}

/** The parts `start` composes, in the order it makes them; `stop` closes them in reverse. */
export interface Parts {
  store: Store;
  silences: Silences;
  bus: EventBus;
  registry: ModuleRegistry;
  engine: DeliveryEngine;
  checks: CheckSystem;
  insights: Insights;
  scheduler: Scheduler;
  statusPage: StatusPage;
  configFiles: ConfigFiles;
}

/** The database, the embedded one or DATABASE_URL's, with the queue's, the core's and every module's migrations run. */
export function openHubStore(hub: Ground): Promise<Store> {
  return openStore({
    databaseUrl: hub.core.databaseUrl,
    dataDir: hub.core.dataDir,
    poolSize: hub.core.workerConcurrency + 12,
    migrations: hub.options.modules.map((definition) => ({
      owner: definition.name,
      migrations: definition.migrations ?? [],
    })),
    logger: hub.logger,
    redactor: hub.redactor,
  });
}

/** Silences, read on every replica and re-read on each change; their gauge on /metrics. */
export async function openSilences(hub: Ground, store: Store): Promise<Silences> {
  const silences = new Silences({ db: store.db, logger: hub.logger.child({ module: 'silences' }) });
  await silences.start(hub.ops.control);
  hub.ops.metrics.addGauge({
    name: 'alvares_silences_active',
    help: 'Silences and maintenance windows holding notifications now.',
    labelNames: [],
    read: () => [{ labels: {}, value: silences.activeCount() }],
  });
  return silences;
}

export function openBus(hub: Ground, store: Store): EventBus {
  return new EventBus(
    { writeDb: store.keyedDb, db: store.db },
    {
      dedupeWindowSeconds: hub.core.idempotencyWindowSeconds,
      stormWindowSeconds: hub.core.errorStormWindowSeconds,
      sameDeploymentWindowSeconds: hub.core.sources.sameDeploymentWindowSeconds,
    },
    hub.stream,
  );
}

/** The registry subscribes the enabled modules to the bus, then starts them (they may publish at start). */
export async function startModules(hub: Ground, store: Store, bus: EventBus): Promise<ModuleRegistry> {
  const { logger, redactor } = hub;
  hub.notifyHooks.useStore(store.db, (secrets) => redactor.addSecrets(secrets));
  const registry = new ModuleRegistry(hub.options.modules, {
    db: store.db,
    core: hub.core,
    logger,
    stream: hub.stream,
    configs: hub.settings.moduleConfigs,
    deliveryOverrides: hub.settings.deliveryOverrides,
    http: (options, moduleLog) => createHttpClient(options, { redactor, logger: moduleLog }),
    ownDelivery: (eventId, module) => findOwnDelivery(store.db, eventId, module),
    notifyHooks: hub.notifyHooks,
    publish: (source, type, payload, options) =>
      bus.publish({ type, payload: payload as never, parentId: options?.parentId ?? null, source }),
  });
  bus.deliverTo((type, payload) =>
    registry
      .subscribersOf(type, payload)
      .map((module) => ({ module, policy: registry.policyFor(module), queuedOnly: registry.isSerial(module) })),
  );
  await registry.start();
  return registry;
}

export function createEngine(
  hub: Ground,
  store: Store,
  bus: EventBus,
  registry: ModuleRegistry,
  silences: Silences,
): DeliveryEngine {
  const deliverer = new Deliverer({
    db: store.db,
    keyedDb: store.keyedDb,
    registry,
    bus,
    stream: hub.stream,
    logger: hub.logger,
    redactor: hub.redactor,
    backoff: { baseMs: hub.core.backoffBaseMs, maxMs: hub.core.backoffMaxMs },
    hold: silences.asHold(),
    fallback: (event, module) => fallbackModules(hub.notifyHooks, event, module),
  });
  const engine = new DeliveryEngine(store.db, deliverer, registry, hub.logger, hub.core.workerConcurrency);
  hub.ops.attach(registry, engine);
  return engine;
}

export function createChecks(hub: Ground, store: Store, bus: EventBus, registry: ModuleRegistry): CheckSystem {
  const { logger, redactor } = hub;
  return new CheckSystem({
    db: store.db,
    bus,
    stream: hub.stream,
    logger,
    redactor,
    core: hub.core,
    env: hub.options.env,
    http: (options, log) => createHttpClient(options, { redactor, logger: log }),
    modules: () => registry.statuses(),
    declared: registry.inspections(),
  });
}

/** Every schedule (the core's, the checks', the modules'), with SCHEDULE_* overrides; a bad one stops start-up. */
export function createScheduler(
  hub: Ground,
  parts: Omit<Parts, 'scheduler' | 'statusPage' | 'configFiles'>,
): Scheduler {
  const { store, bus, registry, engine, checks, insights } = parts;
  const declared = [
    { owner: 'core', work: pruneSchedule(store.db, hub.core.eventRetentionDays) },
    { owner: 'core', work: insightsWeeklySchedule(insights) },
    { owner: 'core', work: silenceSummariesSchedule({ db: store.db, bus, publicUrl: () => hub.core.publicUrl }) },
    ...checks.schedules(),
    ...registry.schedules(),
  ];
  const { schedules, problems } = collectSchedules(declared, hub.core.scheduleOverrides);
  if (problems.length > 0 || checks.problems.length > 0) throw new ConfigError([...checks.problems, ...problems]);
  checks.useSchedules(schedules);
  for (const gauge of checks.gauges()) hub.ops.metrics.addGauge(gauge);
  return new Scheduler(
    {
      db: store.db,
      bus,
      stream: hub.stream,
      logger: hub.logger,
      redactor: hub.redactor,
      hubId: engine.instanceId,
      isOn: (owner) => owner === 'core' || registry.isEnabled(owner),
    },
    schedules,
  );
}

export async function startDeliveries(
  hub: Ground,
  parts: Pick<Parts, 'store' | 'bus' | 'engine' | 'scheduler'>,
): Promise<void> {
  const { store, bus, engine, scheduler } = parts;
  await engine.start({
    tasks: {
      [SCHEDULE_TASK]: scheduler.task,
      [STORM_TASK]: stormFollowUpTask({
        db: store.db,
        bus,
        logger: hub.logger,
        windowSeconds: hub.core.errorStormWindowSeconds,
      }),
    },
    cronItems: scheduler.cronItems(),
  });
  // Ingested events' deliveries run in this hub with no queue job while it has room; the rest are queued.
  bus.runLocally(engine.local);
  await scheduler.startIntervals();
}

export async function startStatusPage(hub: Ground, store: Store): Promise<StatusPage> {
  const statusPage = new StatusPage({
    db: store.db,
    logger: hub.logger,
    adminToken: hub.core.adminToken,
    readToken: hub.core.security.readToken,
    publicReading: hub.core.statusPagePublic,
  });
  await statusPage.start();
  return statusPage;
}

/** Routes last: the hub answers nothing until every part it answers from is up. */
export function serve(
  hub: Ground,
  parts: Parts,
  server: HubServer,
  lifecycle: { isReady: () => boolean; stop: () => Promise<void>; url: string },
): void {
  const { logger, redactor } = hub;
  const access = new Access({ adminToken: hub.core.adminToken, security: hub.core.security }, Date.now, parts.store.db);
  const routers = hubRouters({
    ...parts,
    db: parts.store.db,
    config: hub.core,
    opsConfig: hub.settings.ops,
    ingest: new IngestService(hub.core, parts.bus),
    ops: hub.ops,
    notifyHooks: hub.notifyHooks,
    access,
    isReady: lifecycle.isReady,
    publicUrl: () => hub.core.publicUrl,
    shutdown: (reason) => {
      logger.warn('shutdown requested over the admin API', { reason });
      if (hub.options.onShutdownRequest) hub.options.onShutdownRequest(reason);
      else void lifecycle.stop();
    },
  });
  const throttle = new AuthThrottle(parts.store.db, hub.core.security.authFailuresPerMinute, logger);
  server.attach(buildApp({ routers, logger, redactor, metrics: hub.ops.metrics, access, throttle }));
  logger.info('hub listening', {
    url: lifecycle.url,
    store: parts.store.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL',
    modules: parts.registry.statuses().map((status) => `${status.name}:${status.enabled ? 'on' : 'off'}`),
  });
}
