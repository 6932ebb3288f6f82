import type { NotifyHooks } from '../notify/hooks.js';
import type { AxiosInstance } from 'axios';
import type { Router } from 'express';
import type { z } from 'zod';
import type { CoreConfig } from '../config/config.js';
import type { CheckResult, EventMap, EventType, HubEvent } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { Db } from '../store/db.js';
import type { OwnDelivery } from '../store/delivery-views.js';
import type { Migration } from '../store/migrate.js';
import type { HttpClientOptions } from './http-options.js';
import type { AnyInspection } from './inspection-contract.js';

export type { HttpClientOptions };

/** Options of a derived event: the event it is about (shown as its child on the event's page). */
export interface PublishOptions {
  parentId?: string | null;
}

/**
 * Puts a derived event on the bus, which every event enters by (ingest's too): stored with a
 * delivery for each module subscribed to its type. Inside a delivery or a scheduled run it commits together
 * with that run's outcome, so a failed attempt publishes nothing and a retry does not publish twice.
 */
export type Publish = <T extends EventType>(type: T, payload: EventMap[T], options?: PublishOptions) => void;

/** Per delivery attempt: who is running, which attempt, and a signal that fires at the attempt's timeout. */
export interface DeliveryContext {
  deliveryId: string;
  attempt: number;
  signal: AbortSignal;
  logger: Logger;
  publish: Publish;
  /** Set when this delivery stands in for another module's dead one (a route's `fallback`): whose it carries. */
  fallbackFor?: { module: string; deliveryId: string };
  /** Set on a notification module's deliveries: the silences, asked before each send (src/silences/). */
  silences?: DeliverySilences;
}

/** One send of a delivery's event, as silences see it: the target it goes to and the kind it is said as. */
export interface NotificationSend {
  target: string;
  /** The notification layer's kind (`deployment`, `alert`, `escalation`, `outcome`…). */
  kind: string;
}

/** An active silence that mutes other notifications about an event's application at a target, but not this send. */
export interface MutingSilence {
  id: string;
  reason: string;
  createdBy: string;
  /** When it stops holding: a one-off's end, a recurring window's current window's end (ISO time). */
  until: string;
  /** Its `kind` and `check` matchers: what it holds (empty: it does not name one). */
  kinds: string[];
  checks: string[];
}

/**
 * The silences as one attempt of a notification delivery sees them: the same rule that may have held the whole
 * delivery, asked per send. A hold is recorded on the delivery (its `suppressedBy`, the metric) when the attempt
 * ends; a delivery an operator replayed after a silence held it is sent whatever the silences say.
 */
export interface DeliverySilences {
  /** The silence holding this send now, or null to send it. */
  heldBy(send: NotificationSend): string | null;
  /** Silences naming the event's application, cluster or team that hold other kinds at this target, not this send. */
  mutingOthers(send: NotificationSend): MutingSilence[];
}

export type Handler<T extends EventType> = (
  event: HubEvent<T>,
  delivery: DeliveryContext,
) => Promise<CheckResult | void> | CheckResult | void;

/** One handler for each event type a module declares: the compiler holds the two lists together. */
export type Handlers<E extends EventType> = { [K in E]: Handler<K> };

export interface ModuleContext<C> {
  name: string;
  config: C;
  /** Frozen: the hub's own settings, its public URL included (resolved before modules are created). */
  core: Readonly<CoreConfig>;
  logger: Logger;
  db: Db;
  /** DATA_DIR/modules/<name>, created before the module is. */
  dataDir: string;
  // Functions, not methods: a module may take them out of the context (`create: ({ http }) => ...`).
  http: (options: HttpClientOptions) => AxiosInstance;
  /**
   * Where this module's own delivery of an event stands (null if it has none): lets a module wait for work
   * of its own that another delivery depends on (Slack replies need the thread root it posts).
   */
  ownDelivery: (eventId: string) => Promise<OwnDelivery | null>;
  /** Publishes a derived event at once, in a transaction of its own (from a route, a start-up task). */
  publish: <T extends EventType>(type: T, payload: EventMap[T], options?: PublishOptions) => Promise<string>;
  /** The notification layer's hooks, for a provider module's targets (`createProviderTargets`). */
  notifyHooks: NotifyHooks;
}

/** What a scheduled run is handed: the tick it runs for, a signal that fires at its timeout, a logger. */
export interface ScheduleContext {
  firedAt: Date;
  signal: AbortSignal;
  logger: Logger;
  /** Derived events, committed with the run's record. */
  publish: Publish;
}

/**
 * Work a module wants done on a schedule. Modules keep no timers: the core runs it from the queue's cron,
 * once per tick across all replicas, and records every run (GET /api/v1/schedules).
 */
export interface ScheduledWork {
  /** Unique within the module; the schedule's id is `<module>.<name>`. */
  name: string;
  /**
   * Five-field cron pattern, UTC (`17 * * * *`: hourly at minute 17), or an interval (`30s`, `5m`; at least
   * 10 s). SCHEDULE_<ID> in the environment overrides it, or turns it `off`.
   */
  cron: string;
  /** Limit for one run; default 5 minutes. */
  timeoutMs?: number;
  /** Throwing records a failed run; the next tick is the retry. */
  run(context: ScheduleContext): Promise<CheckResult | void> | CheckResult | void;
}

/**
 * A running module. The registry subscribes its handlers while the module is on and unsubscribes them when
 * it is turned off (the original Alvares's subscribe/unsubscribe, owned by the core so it is done one way).
 */
export interface HubModule<E extends EventType = EventType> {
  handlers: Handlers<E>;
  /** Called once after creation, before any delivery: connections, a first call to say who we are. */
  start?(): Promise<void>;
  /** Called once at shutdown, in reverse module order, after deliveries have drained. */
  stop?(): Promise<void>;
  /** Routes mounted under /api/v1 (read APIs of the module's own data). */
  routes?(router: Router): void;
  /** Scheduled work; runs while the module is on. */
  schedules?: readonly ScheduledWork[];
  /** Scheduled inspections (src/module-system/inspection-contract.ts): results with an alert state per key. */
  inspections?: readonly AnyInspection[];
}

export type Enablement = { enabled: true } | { enabled: false; reason: string };

export interface ModuleDefinition<C = unknown, E extends EventType = EventType> {
  /** The one name used in env (DISABLED_SUBSCRIBERS), logs, metrics, status rows and queue names. */
  name: string;
  description: string;
  /** The event types this module handles: declared once, here; `create` must return a handler for each. */
  events: readonly E[];
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
  wants?<T extends E>(type: T, payload: EventMap[T]): boolean;
  /**
   * The module tells people (a chat, mail): a silence that matches an event holds its delivery (ended
   * `suppressed`, replayable). Modules that record or act (history, monitors, scans) leave it unset.
   */
  notification?: boolean;
  /** Run this module's deliveries one at a time in each hub (a browser, an audit). */
  serial?: boolean;
  /** The module's own tables, applied at start after the core's, recorded as `<name>:<id>`. */
  migrations?: readonly Migration[];
  create(context: ModuleContext<C>): HubModule<E>;
}

/** Keeps each module's config and event types when listing differently-typed definitions together. */
export function defineModule<C = unknown, E extends EventType = EventType>(
  definition: ModuleDefinition<C, E>,
): ModuleDefinition<C, E> {
  return definition;
}

export type { AnyInspection, OwnDelivery };

/**
 * Any module's definition, for the lists the core keeps. A definition is invariant in its event types (its
 * handlers are keyed by them), so no concrete type holds them all; each one was checked by defineModule.
 * Code that reads `events` from it names them as EventType.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the event types are invariant: see above
export type AnyModuleDefinition = ModuleDefinition<unknown, any>;
