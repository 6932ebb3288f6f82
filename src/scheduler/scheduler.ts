import { parseCronItems, type ParsedCronItem, type Task } from 'graphile-worker';
import { errorInfo } from '../errors.js';
import type { EventBus, EventInput } from '../bus/bus.js';
import type { CheckResult, DeliveryErrorInfo } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { Publish } from '../module-system/contract.js';
import type { Db } from '../store/db.js';
import { SCHEDULE_TASK } from '../store/jobs.js';
import {
  addIntervalTick,
  claimRun,
  findScheduledRun,
  finishRun,
  queueManualRun,
  recentRuns,
  type ScheduledRunView,
} from '../store/scheduled-runs-repo.js';
import type { HubStream, RunStatus } from '../stream/hub-stream.js';
import { withDeadline } from '../util/deadline.js';
import { nextIntervalTick } from '../util/every.js';
import type { Schedule } from './schedules.js';

const RECENT_RUNS = 5;

export interface ScheduleView {
  id: string;
  owner: string;
  cron: string | null;
  intervalSeconds: number | null;
  /** Off by SCHEDULE_<ID>=off. */
  enabled: boolean;
  recentRuns: ScheduledRunView[];
}

interface TickPayload {
  schedule: string;
  /** A cron tick (graphile-worker's cron). */
  _cron?: { ts: string; backfilled?: boolean };
  /** An interval tick: the job's run_at is the tick. */
  interval?: boolean;
  /** A run queued by an operator (POST /api/v1/schedules/:id/run). */
  firedAt?: string;
}

/**
 * Runs scheduled work from graphile-worker's cron: one job per tick, added by whichever replica gets there
 * first (graphile-worker records the last tick it scheduled), run by whichever takes the job, recorded under
 * (schedule, tick). A failed run is not retried: the next tick is the retry. Events a run publishes commit
 * with its record.
 */
export class Scheduler {
  private readonly byId: Map<string, Schedule>;

  constructor(
    private readonly deps: {
      db: Db;
      bus: EventBus;
      stream: HubStream;
      logger: Logger;
      redactor: Redactor;
      hubId: string;
      /** Whether the owner is on now: a module turned off at run time skips its ticks. */
      isOn: (owner: string) => boolean;
    },
    schedules: Schedule[],
  ) {
    this.byId = new Map(schedules.map((schedule) => [schedule.id, schedule]));
  }

  /** For graphile-worker's runner: one cron item per schedule that is on. */
  cronItems(): ParsedCronItem[] {
    const items = [...this.byId.values()]
      .filter((schedule) => schedule.cron !== null && schedule.intervalSeconds === null)
      .map((schedule) => ({
        task: SCHEDULE_TASK,
        match: schedule.cron!,
        identifier: schedule.id,
        payload: { schedule: schedule.id },
        // A missed tick (every hub down) is not made up for; the next one comes.
        options: { maxAttempts: 1, backfillPeriod: 0 },
      }));
    return parseCronItems(items);
  }

  /** Once the queue runs: puts the next tick of every interval schedule in the queue (kept if one waits). */
  async startIntervals(): Promise<void> {
    for (const schedule of this.byId.values()) {
      if (schedule.intervalSeconds !== null)
        await addIntervalTick(this.deps.db.pool, schedule.id, nextIntervalTick(schedule.intervalSeconds), true);
    }
  }

  readonly task: Task = async (payload, helpers) => {
    await this.runTick(payload as TickPayload, helpers.job.run_at);
  };

  private async runTick(payload: TickPayload, runAt: Date): Promise<void> {
    const schedule = this.byId.get(payload.schedule);
    const firedAt = new Date(payload.interval ? runAt : (payload._cron?.ts ?? payload.firedAt ?? Date.now()));
    if (!schedule) {
      this.deps.logger.warn('a tick for a schedule this hub does not have', { schedule: payload.schedule });
      return;
    }
    // The next tick is queued before this one runs, so a slow run does not push the schedule back.
    if (payload.interval && schedule.intervalSeconds !== null) {
      await addIntervalTick(
        this.deps.db.pool,
        schedule.id,
        nextIntervalTick(schedule.intervalSeconds, Math.max(Date.now(), firedAt.getTime())),
        false,
      );
    }
    if (!(await claimRun(this.deps.db, schedule.id, firedAt, this.deps.hubId))) return;
    this.announce(schedule.id, firedAt, 'running');
    if (!this.deps.isOn(schedule.owner)) {
      await this.finish(schedule, firedAt, 'skipped', { summary: `module "${schedule.owner}" is off` }, null, 0, []);
      return;
    }
    const started = Date.now();
    const controller = new AbortController();
    const published: EventInput[] = [];
    const publish: Publish = (type, payload, options) => {
      published.push({
        type,
        payload,
        parentId: options?.parentId ?? null,
        ...(schedule.owner !== 'core' ? { source: schedule.owner } : {}),
      });
    };
    try {
      const logger = this.deps.logger.child({ schedule: schedule.id, firedAt: firedAt.toISOString() });
      const timedOut = () => new Error(`timed out after ${schedule.timeoutMs} ms`);
      const result = await withDeadline(controller, schedule.timeoutMs, timedOut, () =>
        schedule.run({ firedAt, signal: controller.signal, logger, publish }),
      );
      await this.finish(schedule, firedAt, 'succeeded', result ?? null, null, Date.now() - started, published);
    } catch (error) {
      const info = this.deps.redactor.redactDeep(errorInfo(error));
      this.deps.logger.warn('scheduled run failed', { schedule: schedule.id, error: info.message });
      await this.finish(schedule, firedAt, 'failed', null, info, Date.now() - started, []);
    }
  }

  private async finish(
    schedule: Schedule,
    firedAt: Date,
    status: Exclude<RunStatus, 'running'>,
    result: CheckResult | null,
    error: DeliveryErrorInfo | null,
    durationMs: number,
    published: EventInput[],
  ): Promise<void> {
    const run = { schedule: schedule.id, firedAt, status, result, error, durationMs };
    if (published.length === 0) await finishRun(this.deps.db.pool, run);
    else {
      const appended = await this.deps.db.transaction(async (client) => {
        await finishRun(client, run);
        return this.deps.bus.append(client, published);
      });
      this.deps.bus.announce(appended);
    }
    this.announce(schedule.id, firedAt, status, error?.message, durationMs);
  }

  private announce(schedule: string, firedAt: Date, status: RunStatus, error?: string, durationMs?: number): void {
    this.deps.stream.emit({
      kind: 'run.changed',
      schedule,
      firedAt: firedAt.toISOString(),
      status,
      at: new Date().toISOString(),
      ...(durationMs !== undefined ? { durationMs } : {}),
      ...(error ? { error } : {}),
    });
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Queues a run now on whichever replica takes it; null while one is queued or running. */
  async runNow(id: string): Promise<string | null> {
    const schedule = this.byId.get(id)!;
    const queued = await queueManualRun(this.deps.db, id, this.deps.hubId, schedule.timeoutMs);
    if (queued) this.announce(id, queued.firedAt, 'queued');
    return queued?.runId ?? null;
  }

  findRun(id: string, runId: string): Promise<ScheduledRunView | null> {
    return findScheduledRun(this.deps.db, id, runId);
  }

  /** Every schedule with its most recent runs, newest first. */
  async list(): Promise<ScheduleView[]> {
    const runs = await recentRuns(this.deps.db, [...this.byId.keys()], RECENT_RUNS);
    return [...this.byId.values()].map((schedule) => ({
      id: schedule.id,
      owner: schedule.owner,
      cron: schedule.cron,
      intervalSeconds: schedule.intervalSeconds,
      enabled: schedule.cron !== null || schedule.intervalSeconds !== null,
      recentRuns: runs.get(schedule.id) ?? [],
    }));
  }
}
