import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { EventEmitter } from 'node:events';
import { Logger as GraphileLogger, run, type ParsedCronItem, type Runner, type Task, type TaskList, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import type { Bus } from '../bus/bus.js';
import type { CheckFinished, CheckResult, DeliveryErrorInfo, DeliveryStatus, EventType, HubEvent } from '../events/types.js';
import { deliveryTargets } from '../ingest/ingest.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { Db, Queryable } from '../store/db.js';
import { writeEvents, type WriterOptions } from '../store/event-writer.js';
import { Batcher } from '../util/batcher.js';
import { withDeadline } from '../util/deadline.js';
import { DELIVER_TASK, STORM_TASK } from './jobs.js';
import { backoffDelay } from './backoff.js';
import { DeliveryError, errorInfo } from './errors.js';

export interface EngineOptions {
  concurrency: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  writer: WriterOptions;
  /** Followed-up storm messages are built by the hub (it knows how to make an event). */
  onStormFollowUp: (leaderId: string, client: pg.PoolClient) => Promise<void>;
}

type FinalStatus = Extract<DeliveryStatus, 'succeeded' | 'dead' | 'skipped'>;

interface Outcome {
  id: string;
  status: FinalStatus;
  result: CheckResult | null;
  error: DeliveryErrorInfo | null;
  durationMs: number;
}

interface ClaimedDelivery {
  id: string;
  module: string;
  attempts: number;
  max_attempts: number;
  timeout_ms: number;
  deadline: Date;
  event_id: string;
  type: EventType;
  payload: unknown;
  received_at: Date;
  parent_id: string | null;
  raw: unknown;
}

/** The payload of a delivery job (jobs queued before `module` was added carry only the id). */
interface DeliverPayload {
  deliveryId: string;
  module?: string;
}

const HEARTBEAT_MS = 5_000;
/** How long a serial module's delivery waits before asking again whether its module is free. */
const SERIAL_WAIT_SECONDS = 2;
/** A hub silent for this long is dead: its jobs are unlocked for the others (well inside the 30 s promise). */
const DEAD_AFTER_SECONDS = 15;

/**
 * Runs deliveries from graphile-worker jobs. Our task never lets graphile-worker's own retry decide:
 * it records the outcome on the delivery and, when another attempt is due, schedules it itself, so
 * backoff, Retry-After, permanent failures and maximum age follow our rules, all in one transaction.
 */
export class DeliveryEngine {
  private runner: Runner | null = null;
  private stopping = false;
  /** This hub among the replicas: its heartbeat row, and the hub named on scheduled runs. */
  readonly instanceId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly workerIds = new Set<string>();
  private heartbeat: NodeJS.Timeout | null = null;
  private running = 0;
  /** Abort controllers of running attempts: fired when shutdown runs out of patience. */
  private readonly inFlightControllers = new Set<AbortController>();
  /** Serial modules with a delivery running in this hub. */
  private readonly serialBusy = new Set<string>();
  /** Claims and plain outcomes of deliveries running side by side share one statement each (group commit). */
  private readonly claims: Batcher<string, ClaimedDelivery | null>;
  private readonly outcomes: Batcher<Outcome, void>;

  constructor(
    private readonly db: Db,
    /** Connections for the claim and outcome statements, which touch deliveries by key only. */
    keyedDb: Db,
    private readonly bus: Bus,
    private readonly registry: ModuleRegistry,
    private readonly logger: Logger,
    private readonly redactor: Redactor,
    private readonly options: EngineOptions,
  ) {
    // Deliveries start and end in bursts (a fetched batch of jobs); 2 ms of waiting for company made the
    // bookkeeping statements larger and fewer: ~1,950 -> ~2,550 PUT/s beside the deliveries in benchmark (a).
    const linger = { lingerMs: 2 };
    this.claims = new Batcher((ids) => this.claimAll(keyedDb, ids), linger);
    this.outcomes = new Batcher<Outcome, void>(async (outcomes) => {
      await this.recordOutcomes(keyedDb.pool, outcomes);
      return outcomes.map(() => undefined);
    }, linger);
  }

  /** Starts taking jobs: deliveries, storm follow-ups, and the scheduler's ticks and cron items when given. */
  async start(scheduled: { tasks?: TaskList; cronItems?: ParsedCronItem[] } = {}): Promise<void> {
    await this.db.query(
      `insert into hub_instances (id) values ($1) on conflict (id) do update set heartbeat_at = now()`,
      [this.instanceId],
    );
    const deliver: Task = async (payload) => {
      const { deliveryId, module } = payload as DeliverPayload;
      await (module && this.registry.isSerial(module) ? this.runSerially(module, deliveryId) : this.runDelivery(deliveryId));
    };
    const stormFollowUp: Task = async (payload) => {
      const { leaderId } = payload as { leaderId: string };
      await this.db.transaction((client) => this.options.onStormFollowUp(leaderId, client));
    };
    // Listen before run(): workers are created while it starts, and their ids are what a survivor must
    // unlock if this hub dies holding jobs.
    const events: WorkerEvents = new EventEmitter() as WorkerEvents;
    // Jobs are locked by the pool's id (local queue) or a worker's id; record both.
    events.on('pool:create', ({ workerPool }) => {
      this.workerIds.add(workerPool.id);
    });
    events.on('worker:create', ({ worker }) => {
      this.workerIds.add(worker.workerId);
    });
    this.runner = await run({
      events,
      pgPool: this.db.pool,
      concurrency: this.options.concurrency,
      noHandleSignals: true,
      // Prepared, its job queries keep the plan made while the jobs table was empty (a sequential scan and a
      // sort of the whole backlog: 7 ms a fetch behind a burst); planned per call they use its index.
      noPreparedStatements: true,
      pollInterval: 1_000,
      taskList: { ...scheduled.tasks, [DELIVER_TASK]: deliver, [STORM_TASK]: stormFollowUp },
      parsedCronItems: scheduled.cronItems ?? [],
      // Most deliveries are a few milliseconds of HTTP, so finding and completing their jobs one round trip
      // each would cost more than the work: jobs are fetched in batches (local queue) and completed in
      // batches. Batched fetching ignores named queues (graphile/worker#621), so serial modules are kept to
      // one delivery at a time by the engine itself (runSerially), not by a queue.
      // Completions wait up to 10 ms for company (a kill inside that window only reruns a job whose delivery
      // is already recorded as finished, which the claim then skips).
      preset: { worker: { localQueue: { size: this.options.concurrency * 2 }, completeJobBatchDelay: 10 } },
      logger: graphileLogger(this.logger, () => this.stopping),
    });
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    await this.beat();
  }

  /** Stops taking jobs; running ones may finish until `timeoutMs`, the rest stay queued for the next hub. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    const runner = this.runner;
    this.runner = null;
    if (!runner) return;
    const stopped = runner.stop().then(() => true, () => true);
    const finished = await Promise.race([stopped, sleep(timeoutMs).then(() => false)]);
    if (!finished) {
      this.logger.warn('shutdown timeout: unfinished deliveries are left for the next hub', { inFlight: this.running });
      // Tell running handlers to give up (a browser, a paced post) before modules and the pool close.
      for (const controller of this.inFlightControllers) controller.abort();
    }
    // Unlock whatever we still hold: jobs cut short by the timeout, and any left in the local queue.
    // graphile-worker 0.18 fails to hand those back gracefully ("Cannot background something when the queue
    // is already released") and relies on its forceful shutdown to unlock them; this keeps the promise that
    // the next hub runs them at once independent of that fallback. Locked, they would wait hours.
    await this.db.query('select graphile_worker.force_unlock_workers($1::text[])', [[...this.workerIds]]).catch(() => undefined);
    await this.db.query('delete from hub_instances where id = $1', [this.instanceId]).catch(() => undefined);
  }

  /** Heartbeat, and the sweep that hands a dead hub's locked jobs to the living. */
  private async beat(): Promise<void> {
    try {
      await this.db.query(
        `insert into hub_instances (id, worker_ids, heartbeat_at) values ($1, $2, now())
         on conflict (id) do update set worker_ids = excluded.worker_ids, heartbeat_at = now()`,
        [this.instanceId, [...this.workerIds]],
      );
      const dead = await this.db.query<{ id: string; worker_ids: string[] }>(
        `delete from hub_instances where heartbeat_at < now() - make_interval(secs => $1) returning id, worker_ids`,
        [DEAD_AFTER_SECONDS],
      );
      const workerIds = dead.rows.flatMap((row) => row.worker_ids);
      if (workerIds.length > 0) {
        await this.db.query('select graphile_worker.force_unlock_workers($1::text[])', [workerIds]);
        this.logger.warn('unlocked jobs of hubs that stopped answering', { hubs: dead.rows.map((row) => row.id) });
      }
    } catch (error) {
      this.logger.warn('heartbeat failed', { error: String(error) });
    }
  }

  /**
   * Re-queues finished or failed deliveries (not queued or in progress: those have a job already) with a
   * fresh attempt budget of their module's policy: one statement for any number, with a 'queued' lifecycle
   * row marked as a replay and a job each.
   */
  async replay(client: Queryable, deliveryIds: string[]): Promise<string[]> {
    const modules = await client.query<{ module: string }>('select distinct module from deliveries where id = any($1::uuid[])', [deliveryIds]);
    const policies = modules.rows.map(({ module }) => {
      const policy = this.registry.policyFor(module);
      return { module, max_attempts: policy.maxAttempts, max_age: policy.maxAgeSeconds };
    });
    const replayed = await client.query<{ id: string }>(
      `with policy as (
         select * from jsonb_to_recordset($2::jsonb) as p(module text, max_attempts int, max_age int)
       ), replayed as (
         update deliveries d set status = 'queued', next_attempt_at = null, updated_at = now(), finished_at = null,
                max_attempts = d.attempts + p.max_attempts, deadline = now() + make_interval(secs => p.max_age)
         from policy p
         where d.id = any($1::uuid[]) and d.module = p.module and d.status not in ('queued', 'in_progress')
         returning d.id, d.attempts, d.module
       ), logged as (
         insert into delivery_log (delivery_id, status, attempt, detail)
         select id, 'queued', attempts, '{"replay": true}' from replayed
       ), jobs as (
         select graphile_worker.add_jobs(array(
           select row($3, json_build_object('deliveryId', r.id, 'module', r.module), null, null, 25, 'delivery:' || r.id, 0, null)::graphile_worker.job_spec
           from replayed r
         )) as added
       )
       -- Referencing jobs makes PostgreSQL run it; a CTE nobody reads is skipped.
       select id from replayed where (select count(*) from jobs) >= 0`,
      [deliveryIds, JSON.stringify(policies), DELIVER_TASK],
    );
    return replayed.rows.map((row) => row.id);
  }

  /**
   * Serial modules (one browser, one audit) run one delivery at a time in each hub. A job arriving while one
   * runs is put back for a moment rather than waiting here, where it would hold a worker that other modules'
   * deliveries need; it uses no attempt.
   */
  private async runSerially(module: string, deliveryId: string): Promise<void> {
    if (this.serialBusy.has(module)) {
      await this.db.query(
        `select graphile_worker.add_job($1, json_build_object('deliveryId', $2::text, 'module', $3::text),
                run_at => now() + make_interval(secs => $4), job_key => 'delivery:' || $2::text, max_attempts => 25)`,
        [DELIVER_TASK, deliveryId, module, SERIAL_WAIT_SECONDS],
      );
      return;
    }
    this.serialBusy.add(module);
    try {
      await this.runDelivery(deliveryId);
    } finally {
      this.serialBusy.delete(module);
    }
  }

  /**
   * Claims deliveries for running: in progress, one more attempt, and its lifecycle row, in one statement for
   * every delivery starting at the same moment. In progress is claimable too: a hub that died mid-delivery
   * left it so, and its job was unlocked for us. Null for a delivery already finished (a job run twice).
   */
  private async claimAll(db: Db, ids: string[]): Promise<Array<ClaimedDelivery | null>> {
    const result = await db.query<ClaimedDelivery>({
      name: 'alvares:claim-deliveries',
      text: `with claimed as (
         update deliveries d set status = 'in_progress', attempts = d.attempts + 1, started_at = now(),
                updated_at = now(), next_attempt_at = null
         where d.id = any($1::uuid[]) and d.status in ('queued', 'failed', 'in_progress')
         returning d.id, d.module, d.attempts, d.max_attempts, d.timeout_ms, d.deadline, d.event_id
       ), logged as (
         insert into delivery_log (delivery_id, status, attempt) select id, 'in_progress', attempts from claimed
       )
       -- A lateral lookup per claimed row keeps to the primary key; a join let PostgreSQL hash the whole
       -- events table while its statistics still described an empty one.
       select c.*, e.type, e.payload, e.received_at, e.parent_id, e.raw
       from claimed c
       cross join lateral (select type, payload, received_at, parent_id, raw from events where id = c.event_id offset 0) e`,
      values: [ids],
    });
    const byId = new Map(result.rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  private async runDelivery(deliveryId: string): Promise<void> {
    const claimed = await this.claims.submit(deliveryId);
    if (!claimed) return;
    this.announce(claimed, 'in_progress');

    if (!this.registry.isEnabled(claimed.module) || !this.bus.isSubscribed(claimed.module, claimed.type)) {
      await this.finish(claimed, 'skipped', null, { message: `module "${claimed.module}" is off` }, 0);
      return;
    }

    const event: HubEvent = {
      id: claimed.event_id,
      type: claimed.type,
      payload: claimed.payload as never,
      receivedAt: claimed.received_at.toISOString(),
      parentId: claimed.parent_id,
      raw: claimed.raw,
    };
    const started = Date.now();
    this.running += 1;
    const controller = new AbortController();
    this.inFlightControllers.add(controller);
    try {
      const timedOut = () => new DeliveryError(`timed out after ${claimed.timeout_ms} ms`, { code: 'TIMEOUT' });
      const result = await withDeadline(controller, claimed.timeout_ms, timedOut, () =>
        this.bus.deliver(claimed.module, event, {
          deliveryId: claimed.id,
          attempt: claimed.attempts,
          signal: controller.signal,
          logger: this.logger.child({ module: claimed.module, eventId: event.id, deliveryId: claimed.id }),
        }),
      );
      await this.finish(claimed, 'succeeded', (result as CheckResult | undefined) ?? null, null, Date.now() - started);
    } catch (error) {
      await this.fail(claimed, error, Date.now() - started);
    } finally {
      this.inFlightControllers.delete(controller);
      this.running -= 1;
    }
  }

  private async fail(claimed: ClaimedDelivery, error: unknown, durationMs: number): Promise<void> {
    const info = this.redactor.redactDeep(errorInfo(error));
    const deliveryError = error instanceof DeliveryError ? error : null;
    const delay = deliveryError?.retryAfterMs ?? backoffDelay(claimed.attempts, this.options.backoffBaseMs, this.options.backoffMaxMs);
    const nextAt = new Date(Date.now() + delay);
    const reason = deliveryError?.permanent
      ? 'permanent'
      : claimed.attempts >= claimed.max_attempts
        ? 'attempts exhausted'
        : nextAt > claimed.deadline
          ? 'maximum age reached'
          : null;
    if (reason) {
      await this.finish(claimed, 'dead', null, { ...info, ...(reason !== 'permanent' ? { message: `${info.message} (${reason})` } : {}) }, durationMs);
      return;
    }
    await this.db.query(
      `with failed as (
         update deliveries set status = 'failed', last_error = $2, next_attempt_at = $3, duration_ms = $4, updated_at = now()
         where id = $1 returning id, attempts
       ), logged as (
         insert into delivery_log (delivery_id, status, attempt, detail) select id, 'failed', attempts, $5 from failed
       )
       select graphile_worker.add_job($6, json_build_object('deliveryId', $1::text, 'module', $7::text), run_at => $3,
              job_key => 'delivery:' || $1::text, max_attempts => 25)
       from failed`,
      [claimed.id, info, nextAt, durationMs, { ...info, nextAttemptAt: nextAt.toISOString() }, DELIVER_TASK, claimed.module],
    );
    this.announce(claimed, 'failed', info.message);
  }

  private async finish(
    claimed: ClaimedDelivery,
    status: FinalStatus,
    result: CheckResult | null,
    error: DeliveryErrorInfo | null,
    durationMs: number,
  ): Promise<void> {
    const outcome: Outcome = { id: claimed.id, status, result, error, durationMs };
    if (this.shouldAnnounceOutcome(claimed, status, result)) {
      // The outcome and the event announcing it commit together: neither exists without the other.
      await this.db.transaction(async (client) => {
        await this.recordOutcomes(client, [outcome]);
        await this.publishCheckFinished(client, claimed, status as 'succeeded' | 'dead', result, error);
      });
    } else {
      await this.outcomes.submit(outcome);
    }
    this.announce(claimed, status, error?.message);
  }

  /** Final states and their lifecycle rows. A success clears the error of an earlier attempt (the lifecycle keeps it). */
  private async recordOutcomes(client: Queryable, outcomes: Outcome[]): Promise<void> {
    const rows = outcomes.map((outcome) => ({
      id: outcome.id,
      status: outcome.status,
      result: outcome.result,
      error: outcome.error,
      duration_ms: outcome.durationMs,
    }));
    await client.query({
      name: 'alvares:record-outcomes',
      text: `with input as (
         select * from jsonb_to_recordset($1::jsonb) as r(id uuid, status text, result jsonb, error jsonb, duration_ms int)
       ), done as (
         update deliveries d set status = i.status, result = i.result,
                last_error = case when i.status = 'succeeded' then null else coalesce(i.error, d.last_error) end,
                finished_at = now(), duration_ms = i.duration_ms, updated_at = now()
         -- The id list gives PostgreSQL an index path even while its statistics still describe an empty table.
         from input i where d.id = i.id and d.id = any($2::uuid[])
         returning d.id, d.attempts, i.status, i.error
       )
       insert into delivery_log (delivery_id, status, attempt, detail) select id, status, attempts, error from done`,
      values: [JSON.stringify(rows), rows.map((row) => row.id)],
    });
  }

  /** Outcomes worth telling other modules: a result with something to say, or a delivery that gave up. */
  private shouldAnnounceOutcome(claimed: ClaimedDelivery, status: DeliveryStatus, result: CheckResult | null): boolean {
    if (claimed.type === 'check.finished') return false; // reports about reports would never end
    if (status === 'dead') return true;
    return status === 'succeeded' && Boolean(result?.summary) && result?.notify !== false;
  }

  private async publishCheckFinished(
    client: pg.PoolClient,
    claimed: ClaimedDelivery,
    status: 'succeeded' | 'dead',
    result: CheckResult | null,
    error: DeliveryErrorInfo | null,
  ): Promise<void> {
    const checkFinished: CheckFinished = {
      eventId: claimed.event_id,
      eventType: claimed.type,
      module: claimed.module,
      deliveryId: claimed.id,
      status,
      attempts: claimed.attempts,
      result,
      error,
    };
    const targets = deliveryTargets(this.registry, 'check.finished', checkFinished).filter((target) => target.module !== claimed.module);
    if (targets.length === 0) return;
    const payload = payloadSummary(claimed.payload);
    await writeEvents(
      client,
      [
        {
          id: randomUUID(),
          type: 'check.finished',
          payload: checkFinished,
          raw: null,
          parentId: claimed.event_id,
          applicationName: payload.applicationName,
          cluster: payload.cluster,
          team: payload.team,
          targets,
        },
      ],
      this.options.writer,
    );
  }

  private announce(claimed: ClaimedDelivery, status: DeliveryStatus, error?: string): void {
    this.bus.notify('delivery', {
      deliveryId: claimed.id,
      eventId: claimed.event_id,
      eventType: claimed.type,
      module: claimed.module,
      status,
      attempts: claimed.attempts,
      at: new Date().toISOString(),
      ...(error ? { error } : {}),
    });
  }
}

function payloadSummary(payload: unknown): { applicationName: string | null; cluster: string | null; team: string | null } {
  const record = (payload ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { applicationName: text(record.applicationName), cluster: text(record.cluster), team: text(record.team) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * graphile-worker logs through our winston logger, at debug for its chatter. While the hub stops, its errors
 * are warnings: its local queue reports failing to hand jobs back, which stop() then does itself.
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

