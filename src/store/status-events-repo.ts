import type { Db } from './db.js';
import { iso } from './status-repo.js';

/**
 * The status page's reads of events: the recent list with each event's follow-ups (derived events are told
 * under the event they follow, not as rows of their own). What is deployed where: status-places-repo.ts.
 */

export interface EventFilter {
  type?: string;
  applicationName?: string;
  cluster?: string;
  /** Older than this receivedAt (the "older" link). */
  before?: string;
  /** Received at or after this time (`/events?since=`). */
  since?: string;
  /** Derived events (check outcomes, storm follow-ups) as rows of their own too. */
  derived?: boolean;
  limit: number;
}

export interface FollowUp {
  id: string;
  type: string;
  receivedAt: string;
  /** The module whose outcome it reports (check.finished). */
  module: string | null;
  /** The outcome it reports: `dead`, `succeeded`, an error's storm count… (not its own delivery's status). */
  status: string | null;
  summary: string | null;
}

export interface EventSummary {
  id: string;
  type: string;
  receivedAt: string;
  parentId: string | null;
  applicationName: string | null;
  cluster: string | null;
  team: string | null;
  summary: string | null;
  /** For events that report an outcome (check.finished, inspection): the status reported. */
  reported: string | null;
  deliveries: Record<string, number>;
  followUps: FollowUp[];
}

const SUMMARY = `case e.type
    when 'check.finished' then concat_ws(': ', e.payload->>'module', coalesce(e.payload->'result'->>'summary', e.payload->'error'->>'message'))
    when 'inspection' then concat_ws(': ', e.payload->>'transition', e.payload->>'title')
    else coalesce(e.payload->>'version', e.payload->>'message', e.payload->>'module') end`;

interface EventRow {
  id: string;
  type: string;
  received_at: Date;
  parent_id: string | null;
  application_name: string | null;
  cluster: string | null;
  team: string | null;
  summary: string | null;
  reported: string | null;
  deliveries: Record<string, number>;
}

export async function recentEvents(db: Db, filter: EventFilter): Promise<EventSummary[]> {
  const derived = filter.derived === true || filter.type === 'check.finished';
  const rows = await db.query<EventRow>(
    `select e.id, e.type, e.received_at, e.parent_id, e.application_name, e.cluster, e.team, ${SUMMARY} as summary,
            case when e.type in ('check.finished', 'inspection') then e.payload->>'status' end as reported,
            coalesce((select json_object_agg(status, n) from (
              select status, count(*)::int as n from deliveries where event_id = e.id group by status) s), '{}') as deliveries
     from events e
     where ($1::text is null or e.type = $1) and ($2::text is null or e.application_name = $2)
       and ($3::text is null or e.cluster = $3) and ($4::timestamptz is null or e.received_at < $4)
       and ($5::timestamptz is null or e.received_at >= $5) and ($6 or e.parent_id is null)
     order by e.received_at desc, e.id desc limit $7`,
    [
      filter.type ?? null,
      filter.applicationName ?? null,
      filter.cluster ?? null,
      filter.before ?? null,
      filter.since ?? null,
      derived,
      filter.limit,
    ],
  );
  const followUps = await followUpsOf(
    db,
    rows.rows.map((row) => row.id),
  );
  return rows.rows.map((row) => ({
    id: row.id,
    type: row.type,
    receivedAt: iso(row.received_at)!,
    parentId: row.parent_id,
    applicationName: row.application_name,
    cluster: row.cluster,
    team: row.team,
    summary: row.summary,
    reported: row.reported,
    deliveries: row.deliveries,
    followUps: followUps.get(row.id) ?? [],
  }));
}

async function followUpsOf(db: Db, ids: string[]): Promise<Map<string, FollowUp[]>> {
  const found = new Map<string, FollowUp[]>();
  if (ids.length === 0) return found;
  const rows = await db.query<{
    id: string;
    parent_id: string;
    type: string;
    received_at: Date;
    module: string | null;
    status: string | null;
    summary: string | null;
  }>(
    // A deployment under another is the same deployment reported by a second source (see deployment-placement.ts).
    `select id, parent_id, type, received_at, coalesce(payload->>'module', source) as module,
            case when type = 'check.finished' then payload->>'status' when type = 'deployment' then 'info' else type end as status,
            case when type = 'deployment' then 'the same deployment, reported again by ' || coalesce(source, 'another source')
              else coalesce(payload->'result'->>'summary', payload->'error'->>'message', payload->>'message') end as summary
     from events where parent_id = any($1::uuid[]) order by received_at, id`,
    [ids],
  );
  for (const row of rows.rows) {
    const list = found.get(row.parent_id) ?? [];
    list.push({
      id: row.id,
      type: row.type,
      receivedAt: iso(row.received_at)!,
      module: row.module,
      status: row.status,
      summary: row.summary,
    });
    found.set(row.parent_id, list);
  }
  return found;
}
