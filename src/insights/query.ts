import { z } from 'zod';
import type { Interval } from '../store/insights-repo.js';
import { isStorableTime, STORABLE_TIME_RANGE, storableText, storableTime } from '../util/input-rules.js';

/** The production cluster: what insights are about unless asked otherwise. */
export const DEFAULT_CLUSTER = 'active';
export const DEFAULT_DAYS = 90;
/** Longer windows cost more than anyone reads on one page; two years covers a year-on-year look. */
export const MAX_DAYS = 731;
/** Ids listed per figure unless `ids` says otherwise: enough to check a team's figures, small for 200 applications. */
export const DEFAULT_IDS = 100;
export const ALL_IDS = 1_000_000_000;
const DAY_MS = 86_400_000;

/** `?application=` (empty) means no filter, as the status page's forms send it. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const name = storableText().min(1).max(200);

/** An ISO 8601 date or time, or Unix seconds (with a fraction), as the deployments route takes `since`. */
const time = storableTime();

/**
 * `GET /api/v1/insights` and the status page's `/insights`: every parameter optional. Bad values are a 400
 * naming the parameter (the route's `doc` validates with this schema).
 */
export const insightsQuery = z
  .object({
    cluster: optional(name).describe(`the cluster (default ${DEFAULT_CLUSTER}, production)`),
    application: optional(name).describe('one application'),
    team: optional(name).describe("one team (a deployment's team, as enriched)"),
    from: optional(time).describe(`start, inclusive (default: ${DEFAULT_DAYS} days before to)`),
    to: optional(time).describe('end, exclusive (default: now)'),
    interval: optional(z.enum(['day', 'week', 'month'])).describe(
      'deployments per day, week (Monday, UTC; default) or month',
    ),
    ids: optional(z.union([z.literal('all'), z.coerce.number().int().min(0).max(ALL_IDS)])).describe(
      `how many deployment ids to list per figure (default ${DEFAULT_IDS}; 0 none, all every one)`,
    ),
  })
  .superRefine((query, ctx) => {
    if (!query.from) {
      // The default window reaches DEFAULT_DAYS back from `to`: its start must be a time too.
      if (query.to && !isStorableTime(new Date(query.to.getTime() - DEFAULT_DAYS * DAY_MS)))
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `${DEFAULT_DAYS} days before it must be ${STORABLE_TIME_RANGE}`,
        });
      return;
    }
    const to = query.to?.getTime() ?? Date.now();
    if (query.from.getTime() >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    if (to - query.from.getTime() > MAX_DAYS * DAY_MS) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `at most ${MAX_DAYS} days before to` });
    }
  });

export type InsightsQueryInput = z.output<typeof insightsQuery>;

/** A question with its defaults filled in, against the clock `now`. */
export interface InsightsQuestion {
  cluster: string;
  application?: string;
  team?: string;
  from: Date;
  to: Date;
  interval: Interval;
  idsLimit: number;
}

export function questionOf(query: InsightsQueryInput, now: Date): InsightsQuestion {
  const to = query.to ?? now;
  return {
    cluster: query.cluster ?? DEFAULT_CLUSTER,
    ...(query.application ? { application: query.application } : {}),
    ...(query.team ? { team: query.team } : {}),
    from: query.from ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS),
    to,
    interval: query.interval ?? 'week',
    idsLimit: query.ids === 'all' ? ALL_IDS : (query.ids ?? DEFAULT_IDS),
  };
}
