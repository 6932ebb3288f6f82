import { parseCronItems, type ParsedCronItem, type Task } from 'graphile-worker';
import type { Bus } from '../bus/bus.js';
import { errorInfo } from '../delivery/errors.js';
import { SCHEDULE_TASK } from '../delivery/jobs.js';
import type { CheckResult, DeliveryErrorInfo } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { ScheduledWork } from '../module-system/contract.js';
import { NAME_PATTERN } from '../module-system/registry.js';
import type { Db } from '../store/db.js';
import { withDeadline } from '../util/deadline.js';

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const RECENT_RUNS = 5;

/** A schedule as the core runs it: `<owner>.<name>`, with the environment's override applied. */
export interface Schedule {
  id: string;
  /** The module that declared it, or `core`. */
  owner: string;
  /** The pattern in force; null when SCHEDULE_<ID>=off. */
  cron: string | null;
  timeoutMs: number;
  run: ScheduledWork['run'];
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

/** A change of a scheduled run, emitted in-process like delivery changes. */
export interface ScheduleChange {
  schedule: string;
  firedAt: string;
  status: RunStatus;
  at: string;
  error?: string;
}

export interface ScheduledRunView {
  firedAt: string;
  hub: string;
  status: RunStatus;
  attempts: number;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  result: CheckResult | null;
  error: DeliveryErrorInfo | null;
}

export interface ScheduleView {
  id: string;
  owner: string;
  cron: string | null;
  /** Off by SCHEDULE_<ID>=off. */
  enabled: boolean;
  recentRuns: ScheduledRunView[];
}

/** The environment variable that overrides a schedule: `core.prune` -> SCHEDULE_CORE_PRUNE. */
export function overrideVariable(id: string): string {
  return `SCHEDULE_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Names every schedule, applies SCHEDULE_<ID> overrides and checks the patterns with graphile-worker's own
 * parser, so a bad pattern or name stops start-up with every problem listed, not at the first tick.
 */
export function collectSchedules(
  declared: Array<{ owner: string; work: ScheduledWork }>,
  overrides: Record<string, string>,
): { schedules: Schedule[]; problems: string[] } {
  const schedules: Schedule[] = [];
  const problems: string[] = [];
  const variables = new Set<string>();
  for (const { owner, work } of declared) {
    const id = `${owner}.${work.name}`;
    if (!NAME_PATTERN.test(work.name)) problems.push(`schedule "${id}": name must match ${NAME_PATTERN}`);
    const variable = overrideVariable(id);
    if (variables.has(variable)) problems.push(`schedule "${id}" is declared twice`);
    variables.add(variable);
    const override = overrides[variable.slice('SCHEDULE_'.length)];
    const cron = override === undefined ? work.cron : override.toLowerCase() === 'off' ? null : override;
    if (cron !== null) {
      try {
        parseCronItems([{ task: SCHEDULE_TASK, match: cron, identifier: id }]);
      } catch (error) {
        const source = override === undefined ? `schedule "${id}"` : variable;
        problems.push(`${source}: "${cron}" is not a cron pattern (${(error as Error).message.replace(/ in item \d+ of parseCronItems call.*$/s, '')})`);
      }
    }
    schedules.push({ id, owner, cron, timeoutMs: work.timeoutMs ?? DEFAULT_TIMEOUT_MS, run: work.run });
  }
  for (const suffix of Object.keys(overrides)) {
    if (!variables.has(`SCHEDULE_${suffix}`)) problems.push(`SCHEDULE_${suffix}: no schedule of that name (known: ${[...variables].join(', ') || 'none'})`);
  }
  return { schedules, problems };
}

interface CronPayload {
  schedule: string;
  _cron?: { ts: string; backfilled?: boolean };
}

/**
 * Runs scheduled work from graphile-worker's cron: one job per tick, added by whichever replica gets there
 * first (graphile-worker records the last tick it scheduled), run by whichever takes the job. Each run is
 * recorded under (schedule, tick); a run a dead hub left 'running' is taken over, a finished one never
 * runs again. A failed run is not retried: the next tick is the retry.
 */
export class Scheduler {
  private readonly byId: Map<string, Schedule>;

  constructor(
    private readonly deps: {
      db: Db;
      bus: Bus;
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
      .filter((schedule) => schedule.cron !== null)
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

  readonly task: Task = async (payload) => {
    await this.runTick(payload as CronPayload);
  };

  private async runTick(payload: CronPayload): Promise<void> {
    const schedule = this.byId.get(payload.schedule);
    const firedAt = new Date(payload._cron?.ts ?? Date.now());
    if (!schedule) {
      this.deps.logger.warn('a tick for a schedule this hub does not have', { schedule: payload.schedule });
      return;
    }
    const claimed = await this.deps.db.query(
      `insert into scheduled_runs (schedule, fired_at, hub, status) values ($1, $2, $3, 'running')
       on conflict (schedule, fired_at) do update set hub = excluded.hub, started_at = now(), attempts = scheduled_runs.attempts + 1
         where scheduled_runs.status = 'running'
       returning id`,
      [schedule.id, firedAt, this.deps.hubId],
    );
    if (claimed.rowCount === 0) return;
    this.announce(schedule.id, firedAt, 'running');
    if (!this.deps.isOn(schedule.owner)) {
      await this.finish(schedule.id, firedAt, 'skipped', { summary: `module "${schedule.owner}" is off` }, null, 0);
      return;
    }
    const started = Date.now();
    const controller = new AbortController();
    try {
      const logger = this.deps.logger.child({ schedule: schedule.id, firedAt: firedAt.toISOString() });
      const timedOut = () => new Error(`timed out after ${schedule.timeoutMs} ms`);
      const result = await withDeadline(controller, schedule.timeoutMs, timedOut, () => schedule.run({ firedAt, signal: controller.signal, logger }));
      await this.finish(schedule.id, firedAt, 'succeeded', result ?? null, null, Date.now() - started);
    } catch (error) {
      const info = this.deps.redactor.redactDeep(errorInfo(error));
      this.deps.logger.warn('scheduled run failed', { schedule: schedule.id, error: info.message });
      await this.finish(schedule.id, firedAt, 'failed', null, info, Date.now() - started);
    }
  }

  private async finish(
    id: string,
    firedAt: Date,
    status: Exclude<RunStatus, 'running'>,
    result: CheckResult | null,
    error: DeliveryErrorInfo | null,
    durationMs: number,
  ): Promise<void> {
    await this.deps.db.query(
      `update scheduled_runs set status = $3, result = $4, error = $5, duration_ms = $6, finished_at = now()
       where schedule = $1 and fired_at = $2`,
      [id, firedAt, status, result, error, durationMs],
    );
    this.announce(id, firedAt, status, error?.message);
  }

  private announce(schedule: string, firedAt: Date, status: RunStatus, error?: string): void {
    this.deps.bus.notify('schedule', {
      schedule,
      firedAt: firedAt.toISOString(),
      status,
      at: new Date().toISOString(),
      ...(error ? { error } : {}),
    });
  }

  /** Every schedule with its most recent runs, newest first. */
  async list(): Promise<ScheduleView[]> {
    const ids = [...this.byId.keys()];
    const rows = await this.deps.db.query(
      `select r.* from unnest($1::text[]) as s(id)
       cross join lateral (select * from scheduled_runs where schedule = s.id order by fired_at desc limit $2) r`,
      [ids, RECENT_RUNS],
    );
    const runs = new Map<string, ScheduledRunView[]>();
    for (const row of rows.rows) {
      const list = runs.get(row.schedule) ?? [];
      list.push({
        firedAt: row.fired_at.toISOString(),
        hub: row.hub,
        status: row.status,
        attempts: row.attempts,
        startedAt: row.started_at.toISOString(),
        finishedAt: row.finished_at?.toISOString() ?? null,
        durationMs: row.duration_ms,
        result: row.result,
        error: row.error,
      });
      runs.set(row.schedule, list);
    }
    return [...this.byId.values()].map((schedule) => ({
      id: schedule.id,
      owner: schedule.owner,
      cron: schedule.cron,
      enabled: schedule.cron !== null,
      recentRuns: runs.get(schedule.id) ?? [],
    }));
  }
}
