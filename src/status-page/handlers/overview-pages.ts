import type { Request, Response } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors.js';
import { isPostgresTimeText, parseStorableTime, STORABLE_TIME_RANGE } from '../../util/input-rules.js';
import { EVENT_TYPES } from '../../events/types.js';
import { findEvent } from '../../store/events-repo.js';
import { heldEvents } from '../../store/silences-repo.js';
import { recentEvents, type EventFilter } from '../../store/status-events-repo.js';
import { runningDeliveries, runningRuns } from '../../store/status-repo.js';
import { checkStates, optionalText, param, parsedQuery, readProblems, send, type PageContext } from '../page-kit.js';
import { eventFilters, eventsView, eventView } from '../views/index.js';
import { LIVE_ACTIVITY, overviewView } from '../views/overview.js';
import { mutedBanner } from '../views/silences.js';
import { html } from '../html.js';

/** How many of the events a silence held the overview lists under it. */
const HELD_SHOWN = 5;

const empty = (value: unknown) => (value === '' ? undefined : value);

/** `1h`, `24h`, `7d`, `30m`, `yesterday` (midnight before last, the hub's time zone) or an ISO time. */
export function sinceTime(value: string, now = new Date()): Date | null {
  const relative = /^(\d{1,4})(m|h|d)$/.exec(value);
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  if (value === 'yesterday') {
    const start = new Date(now);
    start.setHours(0, 0, 0, 0);
    start.setDate(start.getDate() - 1);
    return start;
  }
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? parseStorableTime(value) : null;
}

export const eventsQuery = z.object({
  type: z
    .preprocess(empty, z.enum(EVENT_TYPES as [string, ...string[]], { message: 'unknown event type' }).optional())
    .describe(`one event type: ${EVENT_TYPES.join(', ')}`),
  application: optionalText('one application'),
  cluster: optionalText('one cluster'),
  since: z
    .preprocess(
      empty,
      z
        .string()
        .refine((value) => sinceTime(value) !== null, 'a time: 1h, 24h, 7d, yesterday or an ISO 8601 time')
        .optional(),
    )
    .describe(
      'received at or after: 1h (last hour), yesterday (since the start of yesterday), 7d (last week), an ISO time',
    ),
  before: z
    .preprocess(
      empty,
      // Kept as written (the "older" link carries a stored time to the microsecond), once it passes the time rule.
      z
        .string()
        .refine((value) => parseStorableTime(value) !== null, `an ISO 8601 time, ${STORABLE_TIME_RANGE}`)
        .optional(),
    )
    .describe('older than this time (the "older" link)'),
  derived: z
    .preprocess(empty, z.enum(['1', 'true', '0', 'false']).optional())
    .describe('1: follow-ups (check outcomes, storm counts) as rows of their own too'),
});
type EventsQuery = z.output<typeof eventsQuery>;

export async function showOverview(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const modules = ctx.registry.statuses();
  const names = modules.map((module) => module.name);
  const [problemReads, deliveries, runs, events, checks, muted] = await Promise.all([
    readProblems(ctx),
    runningDeliveries(ctx.db, names),
    runningRuns(ctx.db),
    recentEvents(ctx.db, { limit: 15 }),
    checkStates(ctx),
    ctx.silences?.list({ state: 'active' }) ?? Promise.resolve([]),
  ]);
  const held = await heldEvents(
    ctx.db,
    muted.filter((silence) => (silence.held ?? 0) > 0).map((silence) => silence.id),
    HELD_SHOWN,
  );
  const body = html`${mutedBanner(muted, held)}${overviewView(req.viewer!, { ...problemReads, modules, deliveries, runs, events, checks })}`;
  await send(
    ctx,
    req,
    res,
    { title: 'Overview', nav: 'overview', after: LIVE_ACTIVITY, problems: problemReads.problems },
    body,
  );
}

export async function showEvents(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const asked = parsedQuery<EventsQuery>(res);
  const derived = asked.derived === '1' || asked.derived === 'true';
  const filter: EventFilter = {
    type: asked.type,
    applicationName: asked.application,
    cluster: asked.cluster,
    // A stored time keeps its microseconds as written; other forms (Unix seconds, a date) as the instant they name.
    before:
      asked.before && !isPostgresTimeText(asked.before) ? parseStorableTime(asked.before)!.toISOString() : asked.before,
    since: asked.since ? sinceTime(asked.since)!.toISOString() : undefined,
    derived,
    limit: 100,
  };
  const shown = { ...asked, derived };
  await send(
    ctx,
    req,
    res,
    { title: 'Events', nav: 'events', controls: eventFilters(shown) },
    eventsView(await recentEvents(ctx.db, filter), filter, shown),
  );
}

export async function showEvent(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const event = await findEvent(ctx.db, param(req, 'id'));
  if (!event) throw new HubError('HUB_ERR_NOT_FOUND', `no event ${param(req, 'id')}`);
  const name = (event.payload as { applicationName?: unknown } | null)?.applicationName;
  await send(
    ctx,
    req,
    res,
    { title: `${event.type}${typeof name === 'string' ? ` · ${name}` : ''}`, nav: 'events' },
    eventView(req.viewer!, event),
  );
}
