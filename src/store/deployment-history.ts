import type { Deployment } from '../events/enrich.js';
import type { Db } from './db.js';

export interface DeployedApplication {
  eventId: string;
  receivedAt: string;
  deployment: Deployment;
}

/**
 * The latest deployment of each application and cluster, from the events the hub stored (the hourly prune
 * keeps these whatever their age), so inspections read what is deployed without depending on a module. A second
 * source's report of a deployment (stored with the first as its parent) is not one of its own.
 */
export async function latestDeployments(db: Db): Promise<DeployedApplication[]> {
  const rows = await db.query<{ id: string; received_at: Date; payload: Deployment }>(
    `select distinct on (application_name, cluster) id, received_at, payload from events
     where type = 'deployment' and parent_id is null order by application_name, cluster, received_at desc, id desc`,
  );
  return rows.rows.map((row) => ({
    eventId: row.id,
    receivedAt: row.received_at.toISOString(),
    deployment: row.payload,
  }));
}
