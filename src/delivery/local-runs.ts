import type { LocalRunner } from '../bus/bus.js';
import type { HubEvent } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { Db } from '../store/db.js';
import { requeueClaimed, type ClaimedDelivery } from '../store/deliveries-repo.js';
import type { StartedDelivery } from '../bus/fan-out.js';
import type { Deliverer } from './deliverer.js';

/**
 * Deliveries this hub runs at once, with no queue job, for events it ingested: stored already in progress and
 * claimed by this hub, started once the event is committed. A queue job costs an insert, a fetch, a claim and
 * a deletion, about as much as ingesting the event; these cost none. At most `limit` at a time: past that,
 * an event's deliveries go to the queue, which absorbs bursts (and other replicas share it).
 *
 * Nothing is lost with them: a hub that dies leaves them in progress under its id, and the replicas' sweep
 * gives each a job (replicas.ts); a hub that stops with some still running gives them jobs itself.
 */
export class LocalRuns implements LocalRunner {
  private taken = 0;
  private taking = true;
  private waiters: Array<() => void> = [];

  constructor(private readonly deps: { deliverer: Deliverer; db: Db; logger: Logger; hubId: string; limit: number }) {}

  get hubId(): string {
    return this.deps.hubId;
  }

  reserve(count: number): boolean {
    if (!this.taking || this.taken + count > this.deps.limit) return false;
    this.taken += count;
    return true;
  }

  release(count: number): void {
    this.taken -= count;
    if (this.taken === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  start(event: HubEvent, deliveries: StartedDelivery[]): void {
    for (const delivery of deliveries) {
      const claimed: ClaimedDelivery = {
        id: delivery.id,
        module: delivery.module,
        attempts: 1,
        max_attempts: delivery.maxAttempts,
        timeout_ms: delivery.timeoutMs,
        deadline: delivery.deadline,
        event_id: event.id,
        type: event.type,
        payload: event.payload,
        received_at: new Date(event.receivedAt),
        parent_id: event.parentId,
        raw: event.raw,
      };
      void this.deps.deliverer
        .attempt(claimed)
        .catch((error: unknown) => this.handBack([delivery.id], error))
        .finally(() => this.release(1));
    }
  }

  /** Takes no more; resolves once those running have ended. */
  stopTaking(): Promise<void> {
    this.taking = false;
    return this.taken === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Shutdown ran out of patience: what still runs here gets jobs, for the next hub to take over at once. */
  async handBackAll(): Promise<void> {
    const moved = await requeueClaimed(this.deps.db, { hubs: [this.deps.hubId] }).catch((error: unknown) => {
      this.deps.logger.warn('could not give running deliveries to the queue; the replicas sweep will', {
        error: String(error),
      });
      return 0;
    });
    if (moved > 0) this.deps.logger.warn('left running deliveries to the queue', { deliveries: moved });
  }

  /** An attempt whose end could not be recorded (the store failed): a job of its own takes it over. */
  private async handBack(ids: string[], error: unknown): Promise<void> {
    this.deps.logger.warn('could not record a delivery; it goes to the queue', {
      deliveryIds: ids,
      error: String(error),
    });
    await requeueClaimed(this.deps.db, { deliveries: ids }).catch((again: unknown) => {
      this.deps.logger.error('could not give a delivery to the queue; it runs again when this hub stops', {
        deliveryIds: ids,
        error: String(again),
      });
    });
  }
}
