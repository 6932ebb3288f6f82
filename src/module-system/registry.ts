import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CoreConfig, DeliveryPolicy } from '../config/config.js';
import { describeIssues, type Env } from '../config/env.js';
import type { Bus } from '../bus/bus.js';
import { EVENT_TYPES, type EventMap, type EventType } from '../events/types.js';
import { moduleLogger, type Logger } from '../logging/logger.js';
import type { Db } from '../store/db.js';
import { findOwnDelivery } from '../store/events-repo.js';
import type { AnyModuleDefinition, HubModule, HttpClientOptions, ModuleContext, ScheduledWork } from './contract.js';
import type { AxiosInstance } from 'axios';

/** Module names, and the names of their schedules. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

export interface ModuleStatus {
  name: string;
  description: string;
  events: readonly EventType[];
  /** configured: the module's config allows it (secrets present); enabled: subscribed right now. */
  configured: boolean;
  enabled: boolean;
  reason: string | null;
}

interface Entry {
  definition: AnyModuleDefinition;
  config: unknown;
  configured: boolean;
  reason: string | null;
  instance: HubModule | null;
  enabled: boolean;
}

/** Checks the explicit module list at boot: unique names, known event types. Throws one message for all problems. */
export function validateDefinitions(definitions: readonly AnyModuleDefinition[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const definition of definitions) {
    if (!NAME_PATTERN.test(definition.name)) problems.push(`module "${definition.name}": name must match ${NAME_PATTERN}`);
    if (seen.has(definition.name)) problems.push(`module "${definition.name}" is listed twice`);
    seen.add(definition.name);
    for (const type of definition.events) {
      if (!(EVENT_TYPES as readonly string[]).includes(type)) {
        problems.push(`module "${definition.name}" subscribes to unknown event type "${type}"`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`invalid module list:\n  ${problems.join('\n  ')}`);
}

/** Parses every module's slice of the environment; returns configs and all problems together. */
export function parseModuleConfigs(
  definitions: readonly AnyModuleDefinition[],
  env: Env,
): { configs: Map<string, unknown>; problems: string[] } {
  const configs = new Map<string, unknown>();
  const problems: string[] = [];
  for (const definition of definitions) {
    if (!definition.configSchema) {
      configs.set(definition.name, {});
      continue;
    }
    const parsed = definition.configSchema.safeParse(env);
    if (parsed.success) configs.set(definition.name, parsed.data);
    else problems.push(...describeIssues(parsed.error, `[${definition.name}] `));
  }
  return { configs, problems };
}

/** DISABLED_SUBSCRIBERS takes our names and the original's dotted module paths. */
export function resolveDisabled(definitions: readonly AnyModuleDefinition[], names: string[]): { disabled: Set<string>; unknown: string[] } {
  const disabled = new Set<string>();
  const unknown: string[] = [];
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    const match = definitions.find(
      (definition) => definition.name === name || (definition.legacyNames ?? []).some((legacy) => legacy.toLowerCase() === name),
    );
    if (match) disabled.add(match.name);
    else unknown.push(raw);
  }
  return { disabled, unknown };
}

/**
 * Holds the running modules: creates them, subscribes the enabled ones through scoped bus handles,
 * and lets operators turn them off and on at run time.
 */
export class ModuleRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly definitions: readonly AnyModuleDefinition[],
    private readonly deps: {
      bus: Bus;
      db: Db;
      core: CoreConfig;
      logger: Logger;
      configs: Map<string, unknown>;
      http: (options: HttpClientOptions, logger: Logger) => AxiosInstance;
    },
  ) {}

  async start(): Promise<void> {
    const { disabled, unknown } = resolveDisabled(this.definitions, this.deps.core.disabledSubscribers);
    if (unknown.length > 0) this.deps.logger.warn('DISABLED_SUBSCRIBERS names unknown modules', { unknown });
    for (const definition of this.definitions) {
      const config = this.deps.configs.get(definition.name);
      const enablement = definition.enablement?.(config) ?? { enabled: true as const };
      const reason = !enablement.enabled ? enablement.reason : disabled.has(definition.name) ? 'listed in DISABLED_SUBSCRIBERS' : null;
      const entry: Entry = {
        definition,
        config,
        configured: enablement.enabled,
        reason,
        instance: null,
        enabled: false,
      };
      this.entries.set(definition.name, entry);
      if (enablement.enabled) {
        const logger = moduleLogger(this.deps.logger, definition.name);
        const dataDir = path.join(this.deps.core.dataDir, 'modules', definition.name);
        await mkdir(dataDir, { recursive: true });
        const context: ModuleContext<unknown> = {
          name: definition.name,
          config,
          core: this.deps.core,
          logger,
          db: this.deps.db,
          dataDir,
          http: (options) => this.deps.http(options, logger),
          ownDelivery: (eventId) => findOwnDelivery(this.deps.db, eventId, definition.name),
        };
        entry.instance = definition.create(context);
      }
      if (reason === null) this.enable(definition.name);
      else this.deps.logger.info('module off', { module: definition.name, reason });
    }
  }

  /** Subscribes a module; checks that it subscribed to exactly what it declared. */
  enable(name: string): ModuleStatus {
    const entry = this.entry(name);
    if (!entry.instance) throw new Error(`module "${name}" cannot be enabled: ${entry.reason ?? 'not configured'}`);
    if (entry.enabled) return this.status(entry);
    const bus = this.deps.bus.scopedTo(name);
    entry.instance.subscribe(bus);
    const subscribed = this.deps.bus.subscriptionsOf(name).sort();
    const declared = [...entry.definition.events].sort();
    if (subscribed.join() !== declared.join()) {
      entry.instance.unsubscribe(bus);
      throw new Error(`module "${name}" declared [${declared.join(', ')}] but subscribed [${subscribed.join(', ')}]`);
    }
    entry.enabled = true;
    entry.reason = null;
    return this.status(entry);
  }

  disable(name: string, reason = 'turned off at run time'): ModuleStatus {
    const entry = this.entry(name);
    if (entry.enabled && entry.instance) entry.instance.unsubscribe(this.deps.bus.scopedTo(name));
    entry.enabled = false;
    entry.reason = reason;
    return this.status(entry);
  }

  /** Enabled modules subscribed to a type that want this event: the deliveries to create for it. */
  subscribersOf<T extends EventType>(type: T, payload: EventMap[T]): string[] {
    return this.deps.bus.subscribersOf(type).filter((name) => {
      const entry = this.entries.get(name);
      return entry?.enabled && (entry.definition.wants?.(type, payload) ?? true);
    });
  }

  isEnabled(name: string): boolean {
    return this.entries.get(name)?.enabled ?? false;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  policyFor(name: string): DeliveryPolicy {
    const defaults = this.entries.get(name)?.definition.delivery ?? {};
    return { ...this.deps.core.delivery, ...defaults, ...this.deps.core.deliveryOverrides[name] };
  }

  /** Modules that run one delivery at a time in each hub (one browser, one audit). */
  isSerial(name: string): boolean {
    return this.entries.get(name)?.definition.serial ?? false;
  }

  /** Scheduled work of every module that was configured (a run of a module turned off is skipped). */
  schedules(): Array<{ owner: string; work: ScheduledWork }> {
    return [...this.entries.values()].flatMap((entry) =>
      (entry.instance?.schedules ?? []).map((work) => ({ owner: entry.definition.name, work })),
    );
  }

  mountRoutes(router: import('express').Router): void {
    for (const entry of this.entries.values()) entry.instance?.routes?.(router);
  }

  statuses(): ModuleStatus[] {
    return [...this.entries.values()].map((entry) => this.status(entry));
  }

  async stop(): Promise<void> {
    for (const entry of [...this.entries.values()].reverse()) {
      if (entry.enabled && entry.instance) entry.instance.unsubscribe(this.deps.bus.scopedTo(entry.definition.name));
      entry.enabled = false;
      await entry.instance?.stop?.().catch((error: unknown) =>
        this.deps.logger.warn('module stop failed', { module: entry.definition.name, error: String(error) }),
      );
    }
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`unknown module "${name}"`);
    return entry;
  }

  private status(entry: Entry): ModuleStatus {
    return {
      name: entry.definition.name,
      description: entry.definition.description,
      events: entry.definition.events,
      configured: entry.configured,
      enabled: entry.enabled,
      reason: entry.reason,
    };
  }
}
