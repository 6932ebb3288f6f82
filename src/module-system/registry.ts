import type { Router } from 'express';
import type { DeliveryPolicy } from '../config/config.js';
import type { EventMap, EventType } from '../events/types.js';
import type { AnyInspection, AnyModuleDefinition, Handler, HubModule, ScheduledWork } from './contract.js';
import { resolveDisabled } from './definitions.js';
import { liveRoutes, liveSchedule } from './live-parts.js';
import { createModuleContext, type RegistryDeps } from './module-context.js';

export type { RegistryDeps } from './module-context.js';

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
  configured: boolean;
  reason: string | null;
  instance: HubModule | null;
  enabled: boolean;
  /** Listed in DISABLED_SUBSCRIBERS: stays off when run-time configuration makes it configured. */
  listedOff: boolean;
}

export { parseModuleConfigs, resolveDisabled, validateDefinitions } from './definitions.js';

/**
 * The modules and who handles what. Creates and starts the configured modules, subscribes the enabled
 * ones, and lets operators turn them off and on at run time. The subscription table here is the only
 * record of it: deliveries are created from it at ingest and checked against it when they run.
 */
export class ModuleRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Event type -> the enabled modules handling it, in module-list order. */
  private subscriptions = new Map<EventType, string[]>();

  constructor(
    private readonly definitions: readonly AnyModuleDefinition[],
    private readonly deps: RegistryDeps,
  ) {}

  /**
   * Creates every configured module and subscribes the enabled ones, then starts them in list order. Starting
   * after every subscription is in place lets a module publish at start and reach the modules after it;
   * deliveries only begin once the hub's engine starts, after this.
   */
  async start(): Promise<void> {
    const { disabled, unknown } = resolveDisabled(this.definitions, this.deps.core.disabledSubscribers);
    if (unknown.length > 0) this.deps.logger.warn('DISABLED_SUBSCRIBERS names unknown modules', { unknown });
    for (const definition of this.definitions) {
      const config = this.deps.configs.get(definition.name);
      const enablement = definition.enablement?.(config) ?? { enabled: true as const };
      const entry: Entry = {
        definition,
        configured: enablement.enabled,
        reason: !enablement.enabled
          ? enablement.reason
          : disabled.has(definition.name)
            ? 'listed in DISABLED_SUBSCRIBERS'
            : null,
        instance: enablement.enabled
          ? definition.create(await createModuleContext(this.deps, definition, config))
          : null,
        enabled: false,
        listedOff: disabled.has(definition.name),
      };
      this.entries.set(definition.name, entry);
      if (entry.reason === null) this.enable(definition.name);
      else {
        this.deps.logger.info('module off', { module: definition.name, reason: entry.reason });
        this.announce(entry);
      }
    }
    for (const entry of this.entries.values()) await entry.instance?.start?.();
  }

  enable(name: string): ModuleStatus {
    const entry = this.entry(name);
    if (!entry.instance) throw new Error(`module "${name}" cannot be enabled: ${entry.reason ?? 'not configured'}`);
    if (!entry.enabled) {
      entry.enabled = true;
      entry.reason = null;
      this.rebuildSubscriptions();
      this.announce(entry);
    }
    return this.status(entry);
  }

  disable(name: string, reason = 'turned off at run time'): ModuleStatus {
    const entry = this.entry(name);
    const changed = entry.enabled || entry.reason !== reason;
    entry.enabled = false;
    entry.reason = reason;
    this.rebuildSubscriptions();
    if (changed) this.announce(entry);
    return this.status(entry);
  }

  /**
   * Restarts one module with a new configuration (set at run time): the new instance is created and started
   * first, then takes over the subscriptions, then the old one is stopped. A module turned off by an operator
   * or DISABLED_SUBSCRIBERS stays off. If the new instance cannot start, this throws and the old one stays.
   */
  async reconfigure(name: string, config: unknown): Promise<ModuleStatus> {
    const entry = this.entry(name);
    const { definition } = entry;
    const enablement = definition.enablement?.(config) ?? { enabled: true as const };
    const next = enablement.enabled
      ? definition.create(await createModuleContext(this.deps, definition, config))
      : null;
    await next?.start?.();
    const held = entry.configured
      ? entry.enabled
        ? null
        : entry.reason
      : entry.listedOff
        ? 'listed in DISABLED_SUBSCRIBERS'
        : null;
    const previous = entry.instance;
    this.deps.configs.set(name, config);
    entry.instance = next;
    entry.configured = enablement.enabled;
    entry.enabled = next !== null && held === null;
    entry.reason = !enablement.enabled ? enablement.reason : held;
    this.rebuildSubscriptions();
    this.announce(entry);
    this.deps.logger.info('module restarted with new configuration', {
      module: name,
      enabled: entry.enabled,
      reason: entry.reason,
    });
    await previous
      ?.stop?.()
      .catch((error: unknown) => this.deps.logger.warn('module stop failed', { module: name, error: String(error) }));
    return this.status(entry);
  }

  definitionOf(name: string): AnyModuleDefinition {
    return this.entry(name).definition;
  }

  /** Enabled modules subscribed to a type that want this event: the deliveries to create for it. */
  subscribersOf<T extends EventType>(type: T, payload: EventMap[T]): string[] {
    return (this.subscriptions.get(type) ?? []).filter(
      (name) => this.entries.get(name)!.definition.wants?.(type, payload) ?? true,
    );
  }

  /** The handler to run for a delivery, or null when the module is off or no longer handles the type. */
  handlerFor(name: string, type: EventType): Handler<EventType> | null {
    const entry = this.entries.get(name);
    if (!entry?.enabled || !entry.instance) return null;
    return (entry.instance.handlers as Record<string, Handler<EventType>>)[type] ?? null;
  }

  isEnabled(name: string): boolean {
    return this.entries.get(name)?.enabled ?? false;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return this.definitions.map((definition) => definition.name);
  }

  policyFor(name: string): DeliveryPolicy {
    const defaults = this.entries.get(name)?.definition.delivery ?? {};
    return { ...this.deps.core.delivery, ...defaults, ...this.deps.deliveryOverrides[name] };
  }

  /** Modules that tell people (a chat, mail): silences hold their deliveries; history, monitors and scans run on. */
  isNotification(name: string): boolean {
    return this.entries.get(name)?.definition.notification ?? false;
  }

  /** Modules that run one delivery at a time in each hub (one browser, one audit). */
  isSerial(name: string): boolean {
    return this.entries.get(name)?.definition.serial ?? false;
  }

  /** Scheduled work of every module that was configured (a run of a module turned off is skipped). */
  schedules(): Array<{ owner: string; work: ScheduledWork }> {
    return [...this.entries.values()].flatMap((entry) =>
      (entry.instance?.schedules ?? []).map((work) => ({
        owner: entry.definition.name,
        work: liveSchedule(work, () => entry.instance),
      })),
    );
  }

  inspections(): Array<{ owner: string; inspection: AnyInspection }> {
    return [...this.entries.values()].flatMap((e) =>
      (e.instance?.inspections ?? []).map((inspection) => ({ owner: e.definition.name, inspection })),
    );
  }

  mountRoutes(router: Router): void {
    for (const entry of this.entries.values()) router.use(liveRoutes(() => entry.instance));
  }

  statuses(): ModuleStatus[] {
    return [...this.entries.values()].map((entry) => this.status(entry));
  }

  /** Unsubscribes everything, then stops the modules in reverse order. */
  async stop(): Promise<void> {
    for (const entry of this.entries.values()) entry.enabled = false;
    this.rebuildSubscriptions();
    for (const entry of [...this.entries.values()].reverse()) {
      await entry.instance
        ?.stop?.()
        .catch((error: unknown) =>
          this.deps.logger.warn('module stop failed', { module: entry.definition.name, error: String(error) }),
        );
    }
  }

  private rebuildSubscriptions(): void {
    const table = new Map<EventType, string[]>();
    for (const definition of this.definitions) {
      if (!this.entries.get(definition.name)?.enabled) continue;
      for (const type of definition.events as readonly EventType[])
        table.set(type, [...(table.get(type) ?? []), definition.name]);
    }
    this.subscriptions = table;
  }

  private announce(entry: Entry): void {
    this.deps.stream.emit({
      kind: 'module.changed',
      module: entry.definition.name,
      enabled: entry.enabled,
      reason: entry.reason,
      at: new Date().toISOString(),
    });
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
      events: entry.definition.events as readonly EventType[],
      configured: entry.configured,
      enabled: entry.enabled,
      reason: entry.reason,
    };
  }
}
