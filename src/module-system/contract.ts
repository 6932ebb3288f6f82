import type { AxiosInstance } from 'axios';
import type { Router } from 'express';
import type { z } from 'zod';
import type { CoreConfig } from '../config/config.js';
import type { CheckResult, DeliveryStatus, EventMap, EventType, HubEvent } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { Db } from '../store/db.js';
import type { Migration } from '../store/migrate.js';

/** Per delivery attempt: who is running, which attempt, and a signal that fires at the attempt's timeout. */
export interface DeliveryContext {
  deliveryId: string;
  attempt: number;
  signal: AbortSignal;
  logger: Logger;
}

export type Handler<T extends EventType> = (
  event: HubEvent<T>,
  delivery: DeliveryContext,
) => Promise<CheckResult | void> | CheckResult | void;

/** The bus as one module sees it: everything it subscribes is recorded as owned by that module. */
export interface ModuleBus {
  readonly moduleName: string;
  on<T extends EventType>(type: T, handler: Handler<T>): void;
  off<T extends EventType>(type: T): void;
}

/** Outbound HTTP handed to modules: a timeout, redacted errors, upstream failures as `UpstreamError`. */
export interface HttpClientOptions {
  baseURL: string;
  /** Service name used in error messages ("Slack answered 503"). */
  service: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface ModuleContext<C> {
  name: string;
  config: C;
  core: Readonly<CoreConfig>;
  logger: Logger;
  db: Db;
  /** DATA_DIR/modules/<name>, created on start. */
  dataDir: string;
  http(options: HttpClientOptions): AxiosInstance;
  /**
   * Where this module's own delivery of an event stands (null if it has none): lets a module wait for work
   * of its own that another delivery depends on (Slack replies need the thread root it posts).
   */
  ownDelivery(eventId: string): Promise<OwnDelivery | null>;
}

export interface OwnDelivery {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
}

/** What a scheduled run is handed: the tick it runs for, a signal that fires at its timeout, a logger. */
export interface ScheduleContext {
  firedAt: Date;
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Work a module wants done on a schedule. Modules keep no timers: the core runs it from the queue's cron,
 * once per tick across all replicas, and records every run (GET /api/v1/schedules).
 */
export interface ScheduledWork {
  /** Unique within the module; the schedule's id is `<module>.<name>`. */
  name: string;
  /** Five-field cron pattern, UTC (`17 * * * *`: hourly at minute 17). SCHEDULE_<ID> in the environment overrides it, or turns it `off`. */
  cron: string;
  /** Limit for one run; default 5 minutes. */
  timeoutMs?: number;
  /** Throwing records a failed run; the next tick is the retry. */
  run(context: ScheduleContext): Promise<CheckResult | void> | CheckResult | void;
}

/** A running module: the original Alvares contract, subscribe() and unsubscribe(), plus optional extras. */
export interface HubModule {
  subscribe(bus: ModuleBus): void;
  unsubscribe(bus: ModuleBus): void;
  /** Routes mounted under /api/v1 (read APIs of the module's own data). */
  routes?(router: Router): void;
  /** Scheduled work; runs while the module is on. */
  schedules?: readonly ScheduledWork[];
  stop?(): Promise<void>;
}

export type Enablement = { enabled: true } | { enabled: false; reason: string };

export interface ModuleDefinition<C = unknown> {
  /** The one name used in env (DISABLED_SUBSCRIBERS), logs, metrics, status rows and queue names. */
  name: string;
  description: string;
  /** Event types this module subscribes to; checked at boot against the handlers it registers. */
  events: readonly EventType[];
  /** Names the original used for this module in DISABLED_SUBSCRIBERS (`modules.subscribers.slack.slack_deployment`). */
  legacyNames?: readonly string[];
  /** Its slice of the environment; problems are reported together with every other config problem. */
  configSchema?: z.ZodType<C>;
  /** Config values that must never be printed. */
  secrets?(config: C): Array<string | undefined>;
  /** Off when a required secret is missing, with the reason shown on the status page and in the log. */
  enablement?(config: C): Enablement;
  /** Delivery policy defaults for this module (env overrides still win). */
  delivery?: Partial<{ maxAttempts: number; maxAgeSeconds: number; timeoutMs: number }>;
  /**
   * Which events of its types the module has work for. Deliveries are only created for those, so a module
   * that would skip most events (Lighthouse audits only deployments that ask for it) costs nothing for the
   * rest. Must be a quick, pure check of the payload. Default: every event of its types.
   */
  wants?<T extends EventType>(type: T, payload: EventMap[T]): boolean;
  /** Run this module's deliveries one at a time in each hub (a browser, an audit). */
  serial?: boolean;
  /** The module's own tables, applied at start after the core's, recorded as `<name>:<id>`. */
  migrations?: readonly Migration[];
  create(context: ModuleContext<C>): HubModule;
}

/** Keeps each module's config type when listing differently-typed definitions together. */
export function defineModule<C>(definition: ModuleDefinition<C>): ModuleDefinition<C> {
  return definition;
}

export type AnyModuleDefinition = ModuleDefinition<any>;
