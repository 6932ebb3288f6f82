import {
  Batcher,
  type Db,
  type Deployment,
  type ErrorReport,
  type HubEvent,
  type Recommendation,
} from '../../src/module-api.js';

/**
 * Writes the history: one statement per table for every delivery writing at the same moment (group commit:
 * what arrives while a statement runs goes in the next one). Inserts are keyed by event id: a retried
 * delivery writes nothing twice.
 */
export class HistoryWriter {
  private readonly deployments: Batcher<HubEvent<'deployment'>, void>;
  private readonly errors: Batcher<HubEvent<'error'>, void>;
  private readonly recommendations: Batcher<HubEvent<'recommendation'>, void>;

  constructor(db: Db) {
    this.deployments = batchedInsert(db, 'deployments', (event) => {
      const d: Deployment = event.payload;
      return {
        event_id: event.id,
        application_name: d.applicationName,
        cluster: d.cluster,
        version: d.version,
        image_name: d.imageName,
        replicas: d.replicas,
        team: d.team,
        importance: d.importance,
        created_at: d.createdAt,
        received_at: event.receivedAt,
        raw: event.raw ?? null,
        enriched: d,
      };
    });
    this.errors = batchedInsert(db, 'error_reports', (event) => {
      const e: ErrorReport = event.payload;
      return {
        event_id: event.id,
        application_name: e.applicationName,
        cluster: e.cluster,
        message: e.message,
        received_at: event.receivedAt,
        raw: event.raw ?? null,
        enriched: e,
      };
    });
    this.recommendations = batchedInsert(db, 'recommendations', (event) => {
      const r: Recommendation = event.payload;
      return {
        event_id: event.id,
        application_name: r.applicationName,
        team: r.team,
        message: r.message,
        received_at: event.receivedAt,
        raw: event.raw ?? null,
        enriched: r,
      };
    });
  }

  storeDeployment(event: HubEvent<'deployment'>): Promise<void> {
    return this.deployments.submit(event);
  }

  storeError(event: HubEvent<'error'>): Promise<void> {
    return this.errors.submit(event);
  }

  storeRecommendation(event: HubEvent<'recommendation'>): Promise<void> {
    return this.recommendations.submit(event);
  }
}

/**
 * One named statement inserting every row of a batch into `table`, the rows' keys named as its columns (a
 * failing batch is retried row by row by the Batcher).
 */
function batchedInsert<E>(
  db: Db,
  table: 'deployments' | 'error_reports' | 'recommendations',
  toRow: (event: E) => Record<string, unknown>,
): Batcher<E, void> {
  const text = `insert into ${table} select * from jsonb_populate_recordset(null::${table}, $1::jsonb) on conflict (event_id) do nothing`;
  return new Batcher<E, void>(async (events) => {
    await db.query({ name: `database:insert-${table}`, text, values: [JSON.stringify(events.map(toRow))] });
    return events.map(() => undefined);
  });
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
export async function listDeployments(
  db: Db,
  query: DeploymentQuery,
): Promise<{ items: DeploymentRow[]; next: DeploymentRow | null }> {
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
  if (query.cursor)
    add('(received_at, event_id) < (?::timestamptz, ?::uuid)', query.cursor.receivedAt, query.cursor.id);
  params.push(query.limit + 1);
  const rows = await db.query<StoredDeployment>(
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
  const rows = await db.query<StoredDeployment>(
    `select distinct on (application_name) event_id, received_at, received_at::text as position, enriched from deployments
     where cluster = $1 order by application_name, received_at desc, event_id desc`,
    [cluster],
  );
  return rows.rows.map(toRow);
}

/** A deployments row as both reads select it. */
interface StoredDeployment {
  event_id: string;
  received_at: Date;
  position: string;
  enriched: Deployment;
}

function toRow(row: StoredDeployment): DeploymentRow {
  return {
    id: row.event_id,
    receivedAt: row.received_at.toISOString(),
    position: row.position,
    deployment: row.enriched,
  };
}
