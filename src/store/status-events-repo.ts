import type { Db } from './db.js';
import { iso } from './status-repo.js';

/**
 * The status page's reads of events: the recent list with each event's follow-ups (derived events are told
 * under the event they follow, not as rows of their own), and what an application or a team has deployed.
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
    `select id, parent_id, type, received_at, payload->>'module' as module,
            case when type = 'check.finished' then payload->>'status' else type end as status,
            coalesce(payload->'result'->>'summary', payload->'error'->>'message', payload->>'message') as summary
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

interface DeploymentRow {
  id: string;
  cluster: string | null;
  application_name: string;
  team: string | null;
  received_at: Date;
  version: string | null;
  replicas: string | null;
}

export interface LatestDeployment {
  eventId: string;
  cluster: string;
  applicationName: string;
  version: string | null;
  team: string | null;
  replicas: number | null;
  receivedAt: string;
}

/** The latest deployment of each application, per cluster (of one team), from the core's events. */
export async function latestDeploymentsByCluster(db: Db, options: { team?: string } = {}): Promise<LatestDeployment[]> {
  const rows = await db.query<DeploymentRow>(
    `select distinct on (cluster, application_name) id, cluster, application_name, team, received_at,
            payload->>'version' as version, payload->>'replicas' as replicas
     from events where type = 'deployment' and application_name is not null and parent_id is null
       and ($1::text is null or team = $1)
     order by cluster, application_name, received_at desc, id desc`,
    [options.team ?? null],
  );
  return rows.rows.map(toDeployment);
}

/** An application's deployments, newest first: its versions per cluster over time. */
export async function applicationDeployments(db: Db, application: string, limit = 100): Promise<LatestDeployment[]> {
  const rows = await db.query<DeploymentRow>(
    `select id, cluster, application_name, team, received_at, payload->>'version' as version, payload->>'replicas' as replicas
     from events where type = 'deployment' and application_name = $1 and parent_id is null
     order by received_at desc, id desc limit $2`,
    [application, limit],
  );
  return rows.rows.map(toDeployment);
}

/** The latest deployment of one application in one cluster (a badge). */
export async function latestDeployment(db: Db, application: string, cluster: string): Promise<LatestDeployment | null> {
  const rows = await db.query<DeploymentRow>(
    `select id, cluster, application_name, team, received_at, payload->>'version' as version, payload->>'replicas' as replicas
     from events where type = 'deployment' and application_name = $1 and cluster = $2 and parent_id is null
     order by received_at desc, id desc limit 1`,
    [application, cluster],
  );
  return rows.rows[0] ? toDeployment(rows.rows[0]) : null;
}

function toDeployment(row: DeploymentRow): LatestDeployment {
  return {
    eventId: row.id,
    cluster: row.cluster ?? '',
    applicationName: row.application_name,
    version: row.version,
    team: row.team,
    replicas: row.replicas === null ? null : Number(row.replicas),
    receivedAt: iso(row.received_at)!,
  };
}

export interface ErrorReport {
  eventId: string;
  applicationName: string;
  cluster: string | null;
  message: string | null;
  receivedAt: string;
}

/** Error reports of these applications, newest first. */
export async function errorReports(db: Db, applications: string[], limit = 20): Promise<ErrorReport[]> {
  const rows = await db.query<{
    id: string;
    application_name: string;
    cluster: string | null;
    received_at: Date;
    message: string | null;
  }>(
    `select id, application_name, cluster, received_at, payload->>'message' as message from events
     where type = 'error' and application_name = any($1::text[]) and parent_id is null
     order by received_at desc limit $2`,
    [applications, limit],
  );
  return rows.rows.map((row) => ({
    eventId: row.id,
    applicationName: row.application_name,
    cluster: row.cluster,
    message: row.message,
    receivedAt: iso(row.received_at)!,
  }));
}

export interface AppDelivery {
  id: string;
  module: string;
  status: string;
  attempts: number;
  at: string;
  error: unknown;
  eventId: string;
  eventType: string;
}

/** Deliveries of an application's latest deployments and error reports, latest change first. */
export async function applicationDeliveries(db: Db, application: string, limit = 30): Promise<AppDelivery[]> {
  const rows = await db.query<{
    id: string;
    module: string;
    status: string;
    attempts: number;
    updated_at: Date;
    last_error: unknown;
    event_id: string;
    type: string;
  }>(
    `select d.id, d.module, d.status, d.attempts, d.updated_at, d.last_error, e.id as event_id, e.type
     from ((select id, type from events where type = 'deployment' and application_name = $1 order by received_at desc limit 50)
           union all
           (select id, type from events where type = 'error' and application_name = $1 order by received_at desc limit 50)) e
     join deliveries d on d.event_id = e.id
     order by d.updated_at desc limit $2`,
    [application, limit],
  );
  return rows.rows.map((row) => ({
    id: row.id,
    module: row.module,
    status: row.status,
    attempts: row.attempts,
    at: iso(row.updated_at)!,
    error: row.last_error,
    eventId: row.event_id,
    eventType: row.type,
  }));
}

/** Whether the hub has heard of an application (a deployment or an error report). */
export async function applicationKnown(db: Db, application: string): Promise<boolean> {
  const rows = await db.query<{ known: boolean }>(
    `select exists(select 1 from events where type = 'deployment' and application_name = $1)
         or exists(select 1 from events where type = 'error' and application_name = $1) as known`,
    [application],
  );
  return rows.rows[0]?.known === true;
}
