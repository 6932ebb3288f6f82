import type { Task } from 'graphile-worker';
import type { EventBus, EventInput } from '../bus/bus.js';
import type { CheckResult, DeliveryErrorInfo, DeliveryStatus, HubEvent } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { Publish } from '../module-system/contract.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { Db } from '../store/db.js';
import {
  claimDeliveries,
  deferDelivery,
  type ClaimRequest,
  recordOutcomes,
  requeueJob,
  scheduleRetry,
  type ClaimedDelivery,
  type FinalStatus,
  type Outcome,
} from '../store/deliveries-repo.js';
import type { HubStream } from '../stream/hub-stream.js';
import { Batcher } from '../util/batcher.js';
import { withDeadline } from '../util/deadline.js';
import { checkFinishedEvent } from './check-finished.js';
import { DeliveryDeferral, DeliveryError, errorInfo } from '../errors.js';
import { decideRetry, type Backoff } from './retry-policy.js';
import { attemptSilences, type HeldSends, type NotificationHold } from './notification-hold.js';
import { SerialGate } from './serial-gate.js';
import { standingIn, standInsFor, type FallbackPlanner } from './fallback-switch.js';
import { addStandIns } from '../store/fallback-repo.js';

/**
 * A delivery job's payload: an event's deliveries (the job ingest adds), or one delivery that left its event's
 * job (a retry, a deferral, a replay, a busy serial module); jobs queued before `module` was added carry only
 * the id.
 */
type DeliverPayload = { deliveries: Array<{ id: string; module: string }> } | { deliveryId: string; module?: string };

export interface DelivererDeps {
  db: Db;
  /** Connections for the claim and outcome statements, which touch deliveries by key only. */
  keyedDb: Db;
  registry: ModuleRegistry;
  bus: EventBus;
  stream: HubStream;
  logger: Logger;
  redactor: Redactor;
  backoff: Backoff;
  /** Silences; without it nothing is held. */
  hold?: NotificationHold;
  /** Routes' fallbacks; without it a dead delivery hands nothing on. */
  fallback?: FallbackPlanner;
}

/**
 * Runs the deliveries of a queue job: claim them, run each module's handler under the module's timeout, and
 * record how it ended. Our task never lets graphile-worker's own retry decide: a failure is recorded on the
 * delivery and, when another attempt is due, scheduled by us, so backoff, Retry-After, permanent failures
 * and maximum age follow our rules (retry-policy.ts). Derived events (the outcome announced as
 * check.finished, what the handler published) commit together with the outcome.
 */
export class Deliverer {
  private readonly serial = new SerialGate();
  /** Claims and plain outcomes of deliveries running side by side share one statement each (group commit). */
  private readonly claims: Batcher<ClaimRequest, ClaimedDelivery | null>;
  private readonly outcomes: Batcher<Outcome, void>;
  /** Abort controllers of running attempts: fired when shutdown runs out of patience. */
  private readonly inFlight = new Set<AbortController>();

  constructor(private readonly deps: DelivererDeps) {
    // Deliveries start and end in bursts (a fetched batch of jobs); 2 ms of waiting for company makes the
    // bookkeeping statements larger and fewer, which raised benchmark (a)'s throughput (docs/benchmarks.md).
    const linger = { lingerMs: 2 };
    this.claims = new Batcher((requests) => claimDeliveries(deps.keyedDb, requests), linger);
    this.outcomes = new Batcher<Outcome, void>(async (outcomes) => {
      await recordOutcomes(deps.keyedDb.pool, outcomes);
      return outcomes.map(() => undefined);
    }, linger);
  }

  readonly task: Task = async (payload) => {
    const job = payload as DeliverPayload;
    if ('deliveries' in job) {
      // An event's deliveries side by side; the job ends when all have (each records its own outcome). One that
      // could not be recorded (the store failed) fails the job only after the others ended: the queue's retry
      // of the job then claims just the deliveries left unfinished, none still running here.
      const settled = await Promise.allSettled(
        job.deliveries.map((delivery) => this.runOne({ id: delivery.id, viaEvent: true }, delivery.module)),
      );
      const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
      return;
    }
    await this.runOne({ id: job.deliveryId, viaEvent: false }, job.module);
  };

  private async runOne(request: ClaimRequest, module: string | undefined): Promise<void> {
    if (module && this.deps.registry.isSerial(module)) {
      if (!this.serial.enter(module)) {
        // Not claimed: it uses no attempt while it waits for its module, in a job of its own.
        await requeueJob(this.deps.db, { id: request.id, module }, SerialGate.WAIT_SECONDS);
        return;
      }
      try {
        await this.run(request);
      } finally {
        this.serial.leave(module);
      }
      return;
    }
    await this.run(request);
  }

  /** Deliveries running in this hub now. */
  get running(): number {
    return this.inFlight.size;
  }

  /** Tells running handlers to give up (a browser, a paced post) before modules and the pool close. */
  abortAll(): void {
    for (const controller of this.inFlight) controller.abort();
  }

  private async run(request: ClaimRequest): Promise<void> {
    const claimed = await this.claims.submit(request);
    if (claimed) await this.attempt(claimed);
  }

  /**
   * One attempt of a claimed delivery: its handler under the module's timeout, then its end recorded. Called
   * after a queue job's claim, or at once for a delivery stored in progress for this hub (local-runs.ts).
   * Rejects only when the end could not be recorded.
   */
  async attempt(claimed: ClaimedDelivery): Promise<void> {
    this.announce(claimed, 'in_progress');

    const handler = this.deps.registry.handlerFor(claimed.module, claimed.type);
    if (!handler) {
      const off = { message: `module "${claimed.module}" is off`, code: 'HUB_ERR_MODULE_OFF' } as const;
      await this.finish(claimed, 'skipped', null, off, 0, []);
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
    const silences = attemptSilences(this.deps, claimed, event);
    const heldBy = silences?.wholly();
    if (heldBy) {
      // Nothing dropped: ended with the silence's id, shown on the event and replayable (a replay is sent).
      await this.finish(claimed, 'suppressed', null, null, 0, [], { suppressedBy: heldBy, targets: [] });
      return;
    }

    const published: EventInput[] = [];
    const publish: Publish = (type, payload, options) => {
      published.push({
        type,
        payload,
        parentId: options?.parentId === undefined ? claimed.event_id : options.parentId,
        source: claimed.module,
      });
    };
    const logger = this.deps.logger.child({ module: claimed.module, eventId: event.id, deliveryId: claimed.id });
    const started = Date.now();
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const timedOut = () => new DeliveryError(`timed out after ${claimed.timeout_ms} ms`, { code: 'HUB_ERR_TIMEOUT' });
      const result = await withDeadline(controller, claimed.timeout_ms, timedOut, () =>
        handler(event, {
          deliveryId: claimed.id,
          attempt: claimed.attempts,
          signal: controller.signal,
          logger,
          publish,
          ...standingIn(claimed),
          ...(silences ? { silences: silences.forSends } : {}),
        }),
      );
      const ended = (result as CheckResult | undefined) ?? null;
      await this.finish(claimed, 'succeeded', ended, null, Date.now() - started, published, silences?.heldSends());
    } catch (error) {
      if (error instanceof DeliveryDeferral) {
        await deferDelivery(this.deps.db, claimed, error.delayMs);
        this.announce(claimed, 'queued');
        return;
      }
      logger.warn('handler failed', {
        eventType: claimed.type,
        attempt: claimed.attempts,
        error: this.deps.redactor.redact(error instanceof Error ? error.message : String(error)),
      });
      await this.fail(claimed, error, Date.now() - started, silences?.heldSends());
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private async fail(claimed: ClaimedDelivery, error: unknown, durationMs: number, held?: HeldSends): Promise<void> {
    const info = this.deps.redactor.redactDeep(errorInfo(error));
    const deliveryError = error instanceof DeliveryError ? error : null;
    const decision = decideRetry(
      {
        attempts: claimed.attempts,
        maxAttempts: claimed.max_attempts,
        deadline: claimed.deadline,
        permanent: deliveryError?.permanent ?? false,
        retryAfterMs: deliveryError?.retryAfterMs,
      },
      this.deps.backoff,
    );
    if (!decision.retry) {
      const message = decision.reason === 'permanent' ? info.message : `${info.message} (${decision.reason})`;
      await this.finish(claimed, 'dead', null, { ...info, message }, durationMs, [], held);
      return;
    }
    await scheduleRetry(this.deps.db, claimed, info, decision.at, durationMs);
    this.announce(claimed, 'failed', info.message, durationMs);
  }

  private async finish(
    claimed: ClaimedDelivery,
    status: FinalStatus,
    result: CheckResult | null,
    error: DeliveryErrorInfo | null,
    durationMs: number,
    published: EventInput[],
    held?: HeldSends,
  ): Promise<void> {
    // A silence that held the whole delivery, or some of its targets' sends: a replay sends them.
    const outcome: Outcome = { id: claimed.id, status, result, error, durationMs, suppressedBy: held?.suppressedBy };
    const fallback = await standInsFor(this.deps, claimed, status, error);
    // A notification that went to its fallback is not an outcome to tell the other chats: the fallback told it.
    const announced = fallback ? null : checkFinishedEvent(claimed, status, result, error);
    // Published events belong to a successful run only: a failed attempt's retry publishes them again.
    const derived = [...(status === 'succeeded' ? published : []), ...(announced ? [announced] : [])];
    if (derived.length > 0 || fallback) {
      // The outcome, the events derived from it and its stand-ins commit together: none exists without the others.
      const dead = { id: claimed.id, eventId: claimed.event_id, module: claimed.module, attempt: claimed.attempts };
      const [appended, added] = await this.deps.db.transaction(async (client) => {
        await recordOutcomes(client, [outcome]);
        const standIns = fallback ? await addStandIns(client, dead, fallback.reason, fallback.standIns) : [];
        return [await this.deps.bus.append(client, derived), standIns] as const;
      });
      this.deps.bus.announce(appended);
      for (const standIn of added) this.announce({ ...claimed, ...standIn, attempts: 0 }, 'queued');
    } else {
      await this.outcomes.submit(outcome);
    }
    this.announce(claimed, status, error?.message, durationMs, held?.targets);
  }

  private announce(
    claimed: ClaimedDelivery,
    status: DeliveryStatus,
    error?: string,
    ms?: number,
    held?: string[],
  ): void {
    this.deps.stream.emit({
      kind: 'delivery.changed',
      deliveryId: claimed.id,
      eventId: claimed.event_id,
      eventType: claimed.type,
      module: claimed.module,
      status,
      attempts: claimed.attempts,
      at: new Date().toISOString(),
      ...(ms !== undefined ? { durationMs: ms } : {}),
      ...(error ? { error } : {}),
      ...(held && held.length > 0 ? { heldTargets: held } : {}),
    });
  }
}
