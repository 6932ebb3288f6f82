import { EventEmitter } from 'node:events';
import {
  Logger as GraphileLogger,
  run,
  type ParsedCronItem,
  type Runner,
  type TaskList,
  type WorkerEvents,
} from 'graphile-worker';
import type { Logger } from '../logging/logger.js';
import type { Db } from '../store/db.js';

export interface WorkerOptions {
  db: Db;
  concurrency: number;
  tasks: TaskList;
  cronItems: ParsedCronItem[];
  logger: Logger;
  /** While the hub stops, the queue's errors are expected and logged as warnings. */
  stopping: () => boolean;
  /** Each id the queue will lock jobs under: a survivor unlocks them if this hub dies holding jobs. */
  onWorkerId: (id: string) => void;
}

/** Starts graphile-worker's runner with the hub's settings; see the comments for why each one is so. */
export async function startWorker(options: WorkerOptions): Promise<Runner> {
  // Listen before run(): workers are created while it starts. Jobs are locked by the pool's id (local
  // queue) or a worker's id; record both.
  const events: WorkerEvents = new EventEmitter() as WorkerEvents;
  events.on('pool:create', ({ workerPool }) => options.onWorkerId(workerPool.id));
  events.on('worker:create', ({ worker }) => options.onWorkerId(worker.workerId));
  return run({
    events,
    pgPool: options.db.pool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    // Prepared, its job queries keep the plan made while the jobs table was empty (a sequential scan and a
    // sort of the whole backlog: 7 ms a fetch behind a burst); planned per call they use its index.
    noPreparedStatements: true,
    pollInterval: 1_000,
    taskList: options.tasks,
    parsedCronItems: options.cronItems,
    // Most deliveries are a few milliseconds of HTTP, so finding and completing their jobs one round trip
    // each would cost more than the work: jobs are fetched in batches (local queue) and completed in
    // batches. Batched fetching ignores named queues (graphile/worker#621), so serial modules are kept to
    // one delivery at a time by the engine itself (SerialGate), not by a queue.
    // Completions wait up to 10 ms for company (a kill inside that window only reruns a job whose delivery
    // is already recorded as finished, which the claim then skips).
    preset: { worker: { localQueue: { size: options.concurrency * 2 }, completeJobBatchDelay: 10 } },
    logger: graphileLogger(options.logger, options.stopping),
  });
}

/**
 * graphile-worker logs through our winston logger, at debug for its chatter. While the hub stops, its errors
 * are warnings: its local queue reports failing to hand jobs back, which the engine's stop then does itself.
 */
function graphileLogger(logger: Logger, stopping: () => boolean) {
  return new GraphileLogger((scope) => (level, message, meta) => {
    // It reports every job it runs; building those lines for a logger that drops them cost 4% of the hub's CPU.
    if (level !== 'error' && level !== 'warning' && !logger.isDebugEnabled()) return;
    const fields = { queue: 'graphile-worker', ...scope, ...meta };
    if (level === 'error' && !stopping()) logger.error(message, fields);
    else if (level === 'error' || level === 'warning') logger.warn(message, fields);
    else logger.debug(message, fields);
  });
}
