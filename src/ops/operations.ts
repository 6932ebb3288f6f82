import os from 'node:os';
import type { Env } from '../config/env.js';
import type { OpsConfig } from '../config/ops-config.js';
import type { DeliveryEngine } from '../delivery/engine.js';
import { LogLevels, type AnyLogLevel } from '../logging/levels.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { AnyModuleDefinition } from '../module-system/contract.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import { ControlChannel, controlConnectionString } from '../store/control-channel.js';
import type { Db } from '../store/db.js';
import { deliveryQueueDepth } from '../store/queue-stats.js';
import { recentReplicas, type ReplicaRow } from '../store/replicas-repo.js';
import type { HubStream } from '../stream/hub-stream.js';
import { hubVersion } from '../util/version.js';
import { LogControl } from './log-control.js';
import { HubMetrics } from './metrics.js';
import { ModuleConfigControl } from './module-config.js';
import { VitalsSampler } from './vitals.js';

/** "Every replica seen in the last minute." */
const SEEN_WITHIN_SECONDS = 60;

/**
 * The operator's side of one hub, composed apart from the hub so hub.ts stays a table of contents: metrics,
 * the vitals the heartbeat carries, log levels and module configuration set at run time (shared by every
 * replica through PostgreSQL and the control channel).
 */
export class Operations {
  readonly vitals = new VitalsSampler();
  readonly metrics: HubMetrics;
  readonly levels: LogLevels;
  readonly configs: ModuleConfigControl;
  readonly version = hubVersion();
  private db: Db | null = null;
  private registry: ModuleRegistry | null = null;
  private channel: ControlChannel | null = null;
  private logControl: LogControl | null = null;

  constructor(
    private readonly deps: {
      logger: Logger;
      stream: HubStream;
      env: Env;
      definitions: readonly AnyModuleDefinition[];
      redactor: Redactor;
      environmentLevel: AnyLogLevel;
      hubId: () => string;
      config: OpsConfig;
    },
  ) {
    const names = () => deps.definitions.map((definition) => definition.name);
    this.levels = new LogLevels(deps.logger, deps.environmentLevel, names);
    this.metrics = new HubMetrics({
      stream: deps.stream,
      db: () => this.db,
      modules: () => this.registry?.statuses() ?? [],
      vitals: () => this.vitals.latest,
      logger: deps.logger,
    });
    this.configs = new ModuleConfigControl({
      db: () => this.requireDb(),
      env: deps.env,
      definitions: deps.definitions,
      redactor: deps.redactor,
      logger: deps.logger,
      hubId: deps.hubId,
    });
  }

  /** The replicas' change notices (null before `open`): owners of shared state re-read on their topic. */
  get control(): ControlChannel | null {
    return this.channel;
  }

  get logs(): LogControl {
    if (!this.logControl) throw new Error('operations not opened');
    return this.logControl;
  }

  /**
   * Once the store is open, before the modules start: listen for changes from other replicas, take the log
   * levels set at run time, and put module configuration set at run time into `moduleConfigs`.
   */
  async open(db: Db, moduleConfigs: Map<string, unknown>): Promise<void> {
    this.db = db;
    const channel = new ControlChannel(controlConnectionString(db), this.deps.logger);
    await channel.start();
    this.channel = channel;
    await this.configs.initialConfigs(moduleConfigs);
    this.logControl = new LogControl(db, channel, this.levels, this.deps.logger);
    await this.logControl.start();
  }

  /** After the modules and the delivery engine exist (before the engine starts: the first beat carries the figures). */
  attach(registry: ModuleRegistry, engine: DeliveryEngine): void {
    this.registry = registry;
    this.configs.start(this.channel!, registry);
    const identity = { host: os.hostname(), version: this.version, pid: process.pid };
    engine.replicas.describeWith(async () => {
      const vitals = this.vitals.sample();
      const queue = await deliveryQueueDepth(this.db!);
      return {
        identity,
        stats: {
          rssBytes: vitals.rssBytes,
          heapUsedBytes: vitals.heapUsedBytes,
          cpuPercent: vitals.cpuPercent,
          eventLoopLagMs: vitals.eventLoopLagMs,
          activeDeliveries: engine.activeDeliveries,
          queueDepth: queue.reduce((sum, row) => sum + row.depth, 0),
        },
      };
    });
  }

  private requireDb(): Db {
    if (!this.db) throw new Error('operations not opened');
    return this.db;
  }

  replicas(): Promise<ReplicaRow[]> {
    if (!this.db) return Promise.resolve([]);
    return recentReplicas(this.db, SEEN_WITHIN_SECONDS);
  }

  async close(): Promise<void> {
    this.logControl?.stop();
    this.configs.stop();
    this.metrics.stop();
    this.vitals.stop();
    await this.channel?.stop();
  }
}
