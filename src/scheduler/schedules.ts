import { parseCronItems } from 'graphile-worker';
import type { ScheduledWork } from '../module-system/contract.js';
import { NAME_PATTERN } from '../module-system/names.js';
import { envSuffix } from '../module-system/overrides.js';
import { SCHEDULE_TASK } from '../store/jobs.js';
import { parseInterval } from '../util/every.js';

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** Shorter intervals would make the scheduler's own bookkeeping the work. */
export const MIN_INTERVAL_SECONDS = 10;

/** A schedule as the core runs it: `<owner>.<name>`, with the environment's override applied. */
export interface Schedule {
  id: string;
  /** The module that declared it, or `core`. */
  owner: string;
  /** The pattern in force; null when SCHEDULE_<ID>=off or when it runs on an interval. */
  cron: string | null;
  /** Seconds between ticks (`30s`, `5m`), for work on an interval rather than a cron pattern. */
  intervalSeconds: number | null;
  timeoutMs: number;
  run: ScheduledWork['run'];
}

/** The environment variable that overrides a schedule: `core.prune` -> SCHEDULE_CORE_PRUNE. */
export function overrideVariable(id: string): string {
  return `SCHEDULE_${envSuffix(id)}`;
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
    const every = override === undefined ? work.cron : override.toLowerCase() === 'off' ? null : override;
    const intervalSeconds = every === null ? null : parseInterval(every);
    const cron = intervalSeconds === null ? every : null;
    if (intervalSeconds !== null && intervalSeconds < MIN_INTERVAL_SECONDS) {
      problems.push(
        `${override === undefined ? `schedule "${id}"` : variable}: "${every}" is shorter than ${MIN_INTERVAL_SECONDS} s`,
      );
    }
    if (cron !== null) {
      try {
        parseCronItems([{ task: SCHEDULE_TASK, match: cron, identifier: id }]);
      } catch (error) {
        const source = override === undefined ? `schedule "${id}"` : variable;
        problems.push(
          `${source}: "${cron}" is not a cron pattern (${(error as Error).message.replace(/ in item \d+ of parseCronItems call.*$/s, '')})`,
        );
      }
    }
    schedules.push({
      id,
      owner,
      cron,
      intervalSeconds,
      timeoutMs: work.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      // Called on the work itself: a module may write `run` as a method that uses `this`.
      run: (context) => work.run(context),
    });
  }
  for (const suffix of Object.keys(overrides)) {
    if (!variables.has(`SCHEDULE_${suffix}`))
      problems.push(`SCHEDULE_${suffix}: no schedule of that name (known: ${[...variables].join(', ') || 'none'})`);
  }
  return { schedules, problems };
}
