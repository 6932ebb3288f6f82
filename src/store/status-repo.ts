import type { Db } from './db.js';

/**
 * The status page's reads. Each keeps to an index the hub already has (or 006's), with the module names
 * given so `(module, status, …)` is usable: the page re-reads its view on every change while the hub is
 * ingesting, and must not scan the deliveries table each time.
 */

export interface ModuleActivity {
  module: string;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastFailure: unknown;
  dead: number;
}

export async function moduleActivity(db: Db, modules: string[]): Promise<Map<string, ModuleActivity>> {
  const rows = await db.query(
    `select m.name,
            (select finished_at from deliveries where module = m.name and status = 'succeeded' order by finished_at desc nulls last limit 1) as ok_at,
            f.updated_at as failed_at, f.last_error,
            (select count(*)::int from deliveries where module = m.name and status = 'dead') as dead
     from unnest($1::text[]) as m(name)
     left join lateral (
       select updated_at, last_error from deliveries where module = m.name and status in ('dead', 'failed')
       order by updated_at desc limit 1
     ) f on true`,
    [modules],
  );
  return new Map(
    rows.rows.map((row) => [
      row.name,
      {
        module: row.name,
        lastSuccessAt: iso(row.ok_at),
        lastFailureAt: iso(row.failed_at),
        lastFailure: row.last_error,
        dead: row.dead,
      },
    ]),
  );
}

export interface RunningDelivery {
  id: string;
  module: string;
  eventId: string;
  eventType: string;
  applicationName: string | null;
  startedAt: string;
  attempts: number;
}

export async function runningDeliveries(db: Db, modules: string[], limit = 50): Promise<RunningDelivery[]> {
  const rows = await db.query(
    `select d.id, d.module, d.event_id, d.started_at, d.attempts, e.type, e.application_name
     from deliveries d join events e on e.id = d.event_id
     where d.module = any($1::text[]) and d.status = 'in_progress' order by d.started_at limit $2`,
    [modules, limit],
  );
  return rows.rows.map((row) => ({
    id: row.id,
    module: row.module,
    eventId: row.event_id,
    eventType: row.type,
    applicationName: row.application_name,
    startedAt: iso(row.started_at)!,
    attempts: row.attempts,
  }));
}

export interface RunningRun {
  schedule: string;
  firedAt: string;
  startedAt: string;
  hub: string;
}

export async function runningRuns(db: Db): Promise<RunningRun[]> {
  const rows = await db.query(
    `select schedule, fired_at, started_at, hub from scheduled_runs where status = 'running' and started_at > now() - interval '1 day'
     order by started_at limit 50`,
  );
  return rows.rows.map((row) => ({
    schedule: row.schedule,
    firedAt: iso(row.fired_at)!,
    startedAt: iso(row.started_at)!,
    hub: row.hub,
  }));
}

export interface EventFilter {
  type?: string;
  applicationName?: string;
  cluster?: string;
  /** Older than this receivedAt (the "older" link). */
  before?: string;
  limit: number;
}

export interface EventSummary {
  id: string;
  type: string;
  receivedAt: string;
  applicationName: string | null;
  cluster: string | null;
  team: string | null;
  summary: string | null;
  deliveries: Record<string, number>;
}

export async function recentEvents(db: Db, filter: EventFilter): Promise<EventSummary[]> {
  const rows = await db.query(
    `select e.id, e.type, e.received_at, e.application_name, e.cluster, e.team,
            coalesce(e.payload->>'version', e.payload->>'message', e.payload->>'module') as summary,
            coalesce((select json_object_agg(status, n) from (
              select status, count(*)::int as n from deliveries where event_id = e.id group by status) s), '{}') as deliveries
     from events e
     where ($1::text is null or e.type = $1) and ($2::text is null or e.application_name = $2)
       and ($3::text is null or e.cluster = $3) and ($4::timestamptz is null or e.received_at < $4)
     order by e.received_at desc, e.id desc limit $5`,
    [filter.type ?? null, filter.applicationName ?? null, filter.cluster ?? null, filter.before ?? null, filter.limit],
  );
  return rows.rows.map((row) => ({
    id: row.id,
    type: row.type,
    receivedAt: iso(row.received_at)!,
    applicationName: row.application_name,
    cluster: row.cluster,
    team: row.team,
    summary: row.summary,
    deliveries: row.deliveries,
  }));
}

export interface LatestDeployment {
  eventId: string;
  cluster: string;
  applicationName: string;
  version: string | null;
  team: string | null;
  /** A count, or the text sent instead of one ("global"). */
  replicas: number | string | null;
  receivedAt: string;
}

/** The latest deployment of each application, per cluster, from the core's events (within their retention). */
export async function latestDeploymentsByCluster(db: Db): Promise<LatestDeployment[]> {
  const rows = await db.query<{
    id: string;
    cluster: string | null;
    application_name: string;
    team: string | null;
    received_at: Date;
    version: string | null;
    replicas: unknown;
  }>(
    `select distinct on (cluster, application_name) id, cluster, application_name, team, received_at,
            payload->>'version' as version, payload->'replicas' as replicas
     from events where type = 'deployment' and application_name is not null and parent_id is null
     order by cluster, application_name, received_at desc, id desc`,
  );
  return rows.rows.map((row) => ({
    eventId: row.id,
    cluster: row.cluster ?? '',
    applicationName: row.application_name,
    version: row.version,
    team: row.team,
    replicas: typeof row.replicas === 'number' || typeof row.replicas === 'string' ? row.replicas : null,
    receivedAt: iso(row.received_at)!,
  }));
}

export interface FailedDelivery {
  id: string;
  module: string;
  status: string;
  attempts: number;
  eventId: string;
  eventType: string;
  applicationName: string | null;
  at: string;
  error: unknown;
}

/** Failed (retrying) and dead deliveries, newest first: the administrators' list of what went wrong. */
export async function failedDeliveries(db: Db, modules: string[], limit = 100): Promise<FailedDelivery[]> {
  const rows = await db.query(
    `select d.id, d.module, d.status, d.attempts, d.event_id, d.updated_at, d.last_error, e.type, e.application_name
     from deliveries d join events e on e.id = d.event_id
     where d.module = any($1::text[]) and d.status in ('failed', 'dead') order by d.updated_at desc limit $2`,
    [modules, limit],
  );
  return rows.rows.map((row) => ({
    id: row.id,
    module: row.module,
    status: row.status,
    attempts: row.attempts,
    eventId: row.event_id,
    eventType: row.type,
    applicationName: row.application_name,
    at: iso(row.updated_at)!,
    error: row.last_error,
  }));
}

export interface FailedRun {
  schedule: string;
  firedAt: string;
  error: unknown;
}

export async function failedRuns(db: Db, limit = 50): Promise<FailedRun[]> {
  const rows = await db.query(
    `select schedule, fired_at, error from scheduled_runs where status = 'failed' order by fired_at desc limit $1`,
    [limit],
  );
  return rows.rows.map((row) => ({ schedule: row.schedule, firedAt: iso(row.fired_at)!, error: row.error }));
}

export interface ReplicaView {
  id: string;
  startedAt: string;
  heartbeatAt: string;
}

export async function replicas(db: Db): Promise<ReplicaView[]> {
  const rows = await db.query('select id, started_at, heartbeat_at from hub_instances order by started_at');
  return rows.rows.map((row) => ({ id: row.id, startedAt: iso(row.started_at)!, heartbeatAt: iso(row.heartbeat_at)! }));
}

function iso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}
