import type { Express } from 'express';
import type { CoreConfig } from './config/config.js';
import type { Env } from './config/env.js';
import { openConfigFiles } from './config-file/start.js';
import { HubServer } from './http/server.js';
import { NotifyHooks } from './notify/hooks.js';
import { parseHubSettings, type HubSettings } from './hub-settings.js';
import {
  createChecks,
  createEngine,
  createScheduler,
  openBus,
  openHubStore,
  openSilences,
  serve,
  startDeliveries,
  startModules,
  startStatusPage,
  type Ground,
  type Parts,
} from './hub-steps.js';
import { Insights } from './insights/insights.js';
import type { AnyLogLevel } from './logging/levels.js';
import { createLogger, type Logger } from './logging/logger.js';
import type { Redactor } from './logging/redact.js';
import type { AnyModuleDefinition } from './module-system/contract.js';
import type { ModuleRegistry } from './module-system/registry.js';
import { Operations } from './ops/operations.js';
import type { Db } from './store/db.js';
import { FeedWriter } from './stream/feed-writer.js';
import { HubStream } from './stream/hub-stream.js';

export interface HubOptions {
  env: Env;
  modules: readonly AnyModuleDefinition[];
  /** Tests pass a silent or captured logger; the process uses the configured one. */
  logger?: Logger;
  /** POST /api/v1/admin/shutdown: the process passes its SIGTERM path; by default the hub stops itself. */
  onShutdownRequest?: (reason: string) => void;
}

/**
 * The whole hub, composed: the socket, the store, the stream and its feed, the bus, the modules, the delivery
 * engine, checks and scheduler, the status page, the HTTP routes. `start` opens them in that order, one named
 * step each; `stop` closes them in reverse: stop accepting HTTP, finish accepted writes, drain deliveries, stop
 * modules, close the store.
 */
export class Hub {
  readonly redactor: Redactor;
  readonly logger: Logger;
  readonly stream: HubStream;
  /** Metrics, log levels, module configuration at run time, heartbeat figures. */
  readonly ops: Operations;
  /** The notification layer's hooks: the silences feature sets its check here (see src/notify/silence.ts). */
  readonly notifyHooks = new NotifyHooks();
  private readonly settings: HubSettings;
  private core: Readonly<CoreConfig>;
  private readonly server = new HubServer();
  private readonly parts: Partial<Parts> = {};
  private feedWriter: FeedWriter | null = null;
  private ready = false;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: HubOptions) {
    this.settings = parseHubSettings(options.env, options.modules);
    this.core = this.settings.core;
    this.redactor = this.settings.redactor;
    this.logger = options.logger ?? createLogger({ level: this.core.logLevel, redactor: this.redactor });
    this.stream = new HubStream(this.logger);
    this.ops = new Operations({
      logger: this.logger,
      stream: this.stream,
      env: options.env,
      definitions: options.modules,
      redactor: this.redactor,
      // A logger handed in (tests) keeps its own level as the starting one.
      environmentLevel: (options.logger?.level ?? this.core.logLevel) as AnyLogLevel,
      hubId: () => this.parts.engine?.instanceId ?? 'starting',
      config: this.settings.ops,
    });
    this.notifyHooks.setCounter((count) => this.ops.metrics.countNotifications(count));
  }

  /** The configuration in force; frozen, its public URL final once the hub listens. */
  get config(): Readonly<CoreConfig> {
    return this.core;
  }

  get db(): Db {
    return this.started('store').db;
  }

  get registry(): ModuleRegistry {
    return this.started('registry');
  }

  /** The express app serving requests, once started. */
  get app(): Express | null {
    return this.server.attached;
  }

  /** The URL the hub listens on (with the real port when PORT=0). */
  get url(): string {
    const port = this.server.port;
    return port === null ? this.core.publicUrl : `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const { parts } = this;
    await this.listen();
    const ground = this.ground();
    const store = (parts.store = await openHubStore(ground));
    await this.ops.open(store.db, this.settings.moduleConfigs);
    // Before anything can happen: every stream item from here on reaches the feed of every replica.
    this.feedWriter = new FeedWriter(store.feedDb, this.logger);
    this.feedWriter.start(this.stream);
    const silences = (parts.silences = await openSilences(ground, store));
    const bus = (parts.bus = openBus(ground, store));
    const registry = (parts.registry = await startModules(ground, store, bus));
    const engine = (parts.engine = createEngine(ground, store, bus, registry, silences));
    const checks = createChecks(ground, store, bus, registry);
    const insights = new Insights({ db: store.db, publicUrl: () => this.core.publicUrl });
    const scheduler = createScheduler(ground, { store, silences, bus, registry, engine, checks, insights });
    // Before deliveries: the first event is routed as the file says; an invalid file stops start-up here.
    const configFiles = (parts.configFiles = await this.openConfigFile(store.db, silences, registry, engine, checks));
    await startDeliveries(ground, { store, bus, engine, scheduler });
    const statusPage = (parts.statusPage = await startStatusPage(ground, store));
    const all = { store, silences, bus, registry, engine, checks, insights, scheduler, statusPage, configFiles };
    serve(ground, all, this.server, {
      isReady: () => this.ready,
      stop: () => this.stop(),
      url: this.url,
    });
    this.ready = true;
  }

  /** SIGHUP: the configuration file read again (no-op without one). */
  async reloadConfig(reason: string): Promise<void> {
    await this.parts.configFiles?.reload(reason);
  }

  private openConfigFile(
    db: Db,
    silences: Parts['silences'],
    registry: ModuleRegistry,
    engine: Parts['engine'],
    checks: Parts['checks'],
  ): Promise<Parts['configFiles']> {
    return openConfigFiles({
      db,
      path: this.core.configFile,
      env: this.options.env,
      definitions: this.options.modules,
      hooks: this.notifyHooks,
      silences,
      inspections: checks.inspections,
      registry,
      moduleConfigs: this.ops.configs,
      replicas: engine.replicas,
      metrics: this.ops.metrics,
      logger: this.logger,
    });
  }

  /** Listen first: links handed out (messages, answers) need the port really bound when PORT=0. */
  private async listen(): Promise<void> {
    const port = await this.server.listen(this.core.port, this.core.host);
    if (!this.options.env.HUB_PUBLIC_URL?.trim())
      this.core = Object.freeze({ ...this.core, publicUrl: `http://localhost:${port}` });
  }

  /** What every composition step reads; the configuration is final once the hub listens. */
  private ground(): Ground {
    const { core, settings, options, logger, redactor, stream, ops, notifyHooks } = this;
    return { core, settings, options, logger, redactor, stream, ops, notifyHooks };
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.ready = false;
    const { logger, core, parts } = this;
    logger.info('hub stopping');
    parts.statusPage?.closeStreams();
    parts.configFiles?.stop();
    await this.server.close(core.shutdownTimeoutMs);
    // Requests already answered 200 are committed; wait for those still committing.
    const until = Date.now() + core.shutdownTimeoutMs;
    while (parts.bus && !parts.bus.idle && Date.now() < until) await delay(20);
    await parts.engine?.stop(core.shutdownTimeoutMs);
    await parts.registry?.stop();
    parts.silences?.stop();
    await this.feedWriter?.stop();
    await parts.statusPage?.stop();
    await this.ops.close();
    await parts.store?.close();
    logger.info('hub stopped');
  }

  private started<K extends keyof Parts>(part: K): Parts[K] {
    const value = this.parts[part];
    if (!value) throw new Error('hub not started');
    return value;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
