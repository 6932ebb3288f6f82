import { EventEmitter } from 'eventemitter3';
import type { DeliveryStatus, EventType, HubEvent } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { DeliveryContext, Handler, ModuleBus } from '../module-system/contract.js';
import type { ScheduleChange } from '../scheduler/scheduler.js';

/** A change in a delivery's lifecycle, emitted in-process for live pages and metrics. */
export interface DeliveryChange {
  deliveryId: string;
  eventId: string;
  eventType: EventType;
  module: string;
  status: DeliveryStatus;
  attempts: number;
  at: string;
  error?: string;
}

interface LifecycleEvents {
  delivery: (change: DeliveryChange) => void;
  schedule: (change: ScheduleChange) => void;
  'handler-error': (failure: { module: string; eventType: EventType; error: unknown }) => void;
}

/**
 * The hub's bus. Handlers are registered per module (through a scoped handle) so the core always knows
 * who owns a handler; durable delivery asks the bus to run one module's handler for one event. Lifecycle
 * notifications go out on an eventemitter3 emitter, each listener isolated so one throw stops nobody.
 */
export class Bus {
  private readonly handlers = new Map<string, Map<EventType, Handler<any>>>();
  private readonly lifecycle = new EventEmitter<LifecycleEvents>();
  private readonly failures = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  /** The handle given to one module's subscribe()/unsubscribe(). */
  scopedTo(moduleName: string): ModuleBus {
    return {
      moduleName,
      on: (type, handler) => {
        const owned = this.handlers.get(moduleName) ?? new Map<EventType, Handler<any>>();
        if (owned.has(type)) throw new Error(`module "${moduleName}" subscribed to "${type}" twice`);
        owned.set(type, handler);
        this.handlers.set(moduleName, owned);
      },
      off: (type) => {
        this.handlers.get(moduleName)?.delete(type);
      },
    };
  }

  /** Modules subscribed to a type right now, in registration order. */
  subscribersOf(type: EventType): string[] {
    return [...this.handlers].filter(([, owned]) => owned.has(type)).map(([name]) => name);
  }

  subscriptionsOf(moduleName: string): EventType[] {
    return [...(this.handlers.get(moduleName)?.keys() ?? [])];
  }

  isSubscribed(moduleName: string, type: EventType): boolean {
    return this.handlers.get(moduleName)?.has(type) ?? false;
  }

  /**
   * Runs one module's handler for one event. Throws what the handler threw (the delivery engine decides
   * about retries); the failure is also counted and logged here with module and event.
   */
  async deliver(moduleName: string, event: HubEvent, context: DeliveryContext) {
    const handler = this.handlers.get(moduleName)?.get(event.type);
    if (!handler) throw new Error(`module "${moduleName}" is not subscribed to "${event.type}"`);
    try {
      return (await handler(event, context)) ?? undefined;
    } catch (error) {
      const key = `${moduleName}:${event.type}`;
      this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
      this.logger.warn('handler failed', {
        module: moduleName,
        eventType: event.type,
        eventId: event.id,
        attempt: context.attempt,
        error: error instanceof Error ? error.message : String(error),
      });
      this.notify('handler-error', { module: moduleName, eventType: event.type, error });
      throw error;
    }
  }

  failureCount(moduleName: string, type: EventType): number {
    return this.failures.get(`${moduleName}:${type}`) ?? 0;
  }

  onLifecycle<K extends keyof LifecycleEvents>(name: K, listener: LifecycleEvents[K]): () => void {
    // Isolate each listener: eventemitter3's emit() does not catch, and a page or metric must never break delivery.
    const safe = ((...args: unknown[]) => {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        this.logger.error('lifecycle listener failed', { listener: name, error: String(error) });
      }
    }) as LifecycleEvents[K];
    this.lifecycle.on(name, safe as never);
    return () => this.lifecycle.off(name, safe as never);
  }

  notify<K extends keyof LifecycleEvents>(name: K, ...args: Parameters<LifecycleEvents[K]>): void {
    (this.lifecycle.emit as (event: K, ...a: Parameters<LifecycleEvents[K]>) => boolean)(name, ...args);
  }
}
