import type { ParsedCronItem, Runner, TaskList } from 'graphile-worker';
import type { Logger } from '../logging/logger.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { Db, Queryable } from '../store/db.js';
import { replayDeliveries } from '../store/delivery-replay-repo.js';
import { DELIVER_TASK } from '../store/jobs.js';
import type { Deliverer } from './deliverer.js';
import { LocalRuns } from './local-runs.js';
import { Replicas } from './replicas.js';
import { startWorker } from './worker.js';

/**
 * The durable queue's side of the hub: graphile-worker running deliveries and the other tasks it is given
 * (storm follow-ups, scheduled ticks), this hub's place among the replicas, and replay.
 */
export class DeliveryEngine {
  private runner: Runner | null = null;
  private stopping = false;
  readonly replicas: Replicas;
  /** Deliveries of events this hub ingested, run here with no queue job while there is room. */
  readonly local: LocalRuns;

  constructor(
    private readonly db: Db,
    private readonly deliverer: Deliverer,
    private readonly registry: ModuleRegistry,
    private readonly logger: Logger,
    private readonly concurrency: number,
  ) {
    this.replicas = new Replicas(db, logger);
    // Room for the deliveries of as many events as arrive while earlier ones deliver (16 connections of
    // load, two or three modules each, some waiting on Slack): measured, a room of one times the queue's
    // concurrency sent half of benchmark (a)'s events to the queue; four times, almost none.
    this.local = new LocalRuns({ deliverer, db, logger, hubId: this.replicas.instanceId, limit: concurrency * 4 });
  }

  /** Deliveries running in this hub now. */
  get activeDeliveries(): number {
    return this.deliverer.running;
  }

  get instanceId(): string {
    return this.replicas.instanceId;
  }

  async start(scheduled: { tasks: TaskList; cronItems: ParsedCronItem[] }): Promise<void> {
    this.runner = await startWorker({
      db: this.db,
      concurrency: this.concurrency,
      tasks: { ...scheduled.tasks, [DELIVER_TASK]: this.deliverer.task },
      cronItems: scheduled.cronItems,
      logger: this.logger,
      stopping: () => this.stopping,
      onWorkerId: (id) => this.replicas.addWorker(id),
    });
    await this.replicas.start();
  }

  /**
   * Stops taking jobs and local runs; running ones may finish until `timeoutMs`, the rest are left queued for
   * the next hub (local runs get jobs of their own).
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const runner = this.runner;
    this.runner = null;
    const stopped = Promise.all([runner?.stop().catch(() => undefined), this.local.stopTaking()]).then(() => true);
    const finished = await Promise.race([stopped, sleep(timeoutMs).then(() => false)]);
    if (!finished) {
      this.logger.warn('shutdown timeout: unfinished deliveries are left for the next hub', {
        inFlight: this.deliverer.running,
      });
      this.deliverer.abortAll();
      await this.local.handBackAll();
    }
    await this.replicas.stop();
  }

  /** Runs finished or failed deliveries again with a fresh attempt budget; answers the ids replayed. */
  replay(client: Queryable, deliveryIds: string[]): Promise<string[]> {
    return replayDeliveries(client, deliveryIds, (module) => this.registry.policyFor(module));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
