import type { Db, Deployment, ErrorReport, HubEvent, Recommendation } from '../../src/module-api.js';

/** Inserts are keyed by event id: a retried delivery writes nothing twice. */
export async function storeDeployment(db: Db, event: HubEvent<'deployment'>): Promise<void> {
  const d: Deployment = event.payload;
  await db.query(
    `insert into deployments (event_id, application_name, cluster, version, image_name, replicas, team, importance,
                              created_at, received_at, raw, enriched)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     on conflict (event_id) do nothing`,
    [event.id, d.applicationName, d.cluster, d.version, d.imageName, d.replicas, d.team, d.importance, d.createdAt,
      event.receivedAt, JSON.stringify(event.raw ?? null), d],
  );
}

export async function storeError(db: Db, event: HubEvent<'error'>): Promise<void> {
  const e: ErrorReport = event.payload;
  await db.query(
    `insert into error_reports (event_id, application_name, cluster, message, received_at, raw, enriched)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (event_id) do nothing`,
    [event.id, e.applicationName, e.cluster, e.message, event.receivedAt, JSON.stringify(event.raw ?? null), e],
  );
}

export async function storeRecommendation(db: Db, event: HubEvent<'recommendation'>): Promise<void> {
  const r: Recommendation = event.payload;
  await db.query(
    `insert into recommendations (event_id, application_name, team, message, received_at, raw, enriched)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (event_id) do nothing`,
    [event.id, r.applicationName, r.team, r.message, event.receivedAt, JSON.stringify(event.raw ?? null), r],
  );
}

export interface DeploymentRow {
  id: string;
  receivedAt: string;
  deployment: Deployment;
  /** Exact (microsecond) position for the paging cursor. */
  position: string;
}

export interface DeploymentQuery {
  cluster?: string;
  applicationName?: string;
  team?: string;
  since?: Date;
  limit: number;
  cursor?: { receivedAt: string; id: string };
}

/** Newest first, keyset-paged on (received_at, event_id) so pages stay stable while deployments arrive. */
export async function listDeployments(db: Db, query: DeploymentQuery): Promise<{ items: DeploymentRow[]; next: DeploymentRow | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    let text = sql;
    for (const value of values) {
      params.push(value);
      text = text.replace('?', `$${params.length}`);
    }
    where.push(text);
  };
  if (query.cluster) add('cluster = ?', query.cluster);
  if (query.applicationName) add('application_name = ?', query.applicationName);
  if (query.team) add('team = ?', query.team);
  if (query.since) add('received_at >= ?', query.since.toISOString());
  if (query.cursor) add('(received_at, event_id) < (?::timestamptz, ?::uuid)', query.cursor.receivedAt, query.cursor.id);
  params.push(query.limit + 1);
  const rows = await db.query(
    `select event_id, received_at, received_at::text as position, enriched from deployments
     ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
     order by received_at desc, event_id desc limit $${params.length}`,
    params,
  );
  const items = rows.rows.map(toRow);
  const next = items.length > query.limit ? items[query.limit - 1]! : null;
  return { items: items.slice(0, query.limit), next };
}

/** The latest deployment of each application in a cluster: the view the original history API served. */
export async function latestDeployments(db: Db, cluster: string): Promise<DeploymentRow[]> {
  const rows = await db.query(
    `select distinct on (application_name) event_id, received_at, received_at::text as position, enriched from deployments
     where cluster = $1 order by application_name, received_at desc, event_id desc`,
    [cluster],
  );
  return rows.rows.map(toRow);
}

function toRow(row: { event_id: string; received_at: Date; position: string; enriched: Deployment }): DeploymentRow {
  return { id: row.event_id, receivedAt: row.received_at.toISOString(), position: row.position, deployment: row.enriched };
}
