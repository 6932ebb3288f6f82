import type { Db } from './db.js';
import { iso } from './status-repo.js';

/**
 * The status page's reads of places: what each application runs in each cluster (over time, and for a
 * team), an application's error reports and deliveries, and whether the hub has heard of it at all.
 */

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
  /** A count, the text sent instead of one ("global"), or null when the source counts none. */
  replicas: number | string | null;
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
    replicas: row.replicas === null ? null : /^\d+$/.test(row.replicas) ? Number(row.replicas) : row.replicas,
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
