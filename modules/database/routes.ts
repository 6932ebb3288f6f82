import type { Router } from 'express';
import { latestDeployments, listDeployments, type DeploymentRow } from './history.js';
import { HubError, doc, isUuid, type Db } from '../../src/module-api.js';

const MAX_LIMIT = 200;
/** timestamptz as PostgreSQL prints it: the cursor keeps its microseconds so no row falls between pages. */
const POSTGRES_TIME = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:?\d\d)?|Z)?$/;

export function mountHistoryRoutes(router: Router, db: Db): void {
  router.get(
    '/api/v1/deployments',
    doc({
      summary: 'Deployment history, newest first (filters: cluster, applicationName, team, since; limit, cursor)',
      tags: ['deployments'],
    }),
    async (req, res) => {
      const query = req.query as Record<string, unknown>;
      const limit = parseLimit(query.limit);
      const since = parseSince(query.since);
      const cursor = parseCursor(query.cursor);
      const page = await listDeployments(db, {
        cluster: text(query.cluster, 'cluster'),
        applicationName: text(query.applicationName, 'applicationName'),
        team: text(query.team, 'team'),
        since,
        limit,
        cursor,
      });
      res.json({
        deployments: page.items.map(present),
        nextCursor: page.next ? encodeCursor(page.next) : null,
      });
    },
  );

  router.get(
    '/api/v1/deployments/latest',
    doc({ summary: 'The latest deployment of each application in a cluster (?cluster=)', tags: ['deployments'] }),
    async (req, res) => {
      const cluster = text(req.query.cluster, 'cluster');
      if (!cluster)
        throw new HubError('HUB_ERR_BAD_PARAMETER', 'cluster is required', [{ field: 'cluster', message: 'required' }]);
      res.json({ cluster, deployments: (await latestDeployments(db, cluster)).map(present) });
    },
  );
}

function present(row: DeploymentRow) {
  return { id: row.id, receivedAt: row.receivedAt, ...row.deployment };
}

function encodeCursor(row: DeploymentRow): string {
  return Buffer.from(JSON.stringify([row.position, row.id])).toString('base64url');
}

function parseCursor(value: unknown): { receivedAt: string; id: string } | undefined {
  if (value === undefined) return undefined;
  const bad = () =>
    new HubError('HUB_ERR_BAD_PARAMETER', 'cursor is not one this API gave out', [
      { field: 'cursor', message: 'invalid' },
    ]);
  if (typeof value !== 'string' || value.length > 200) throw bad();
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2) throw bad();
    const [receivedAt, id] = decoded as [unknown, unknown];
    if (typeof receivedAt !== 'string' || !POSTGRES_TIME.test(receivedAt) || typeof id !== 'string' || !isUuid(id))
      throw bad();
    return { receivedAt, id };
  } catch {
    throw bad();
  }
}

function parseLimit(value: unknown): number {
  if (value === undefined) return 50;
  const limit = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new HubError('HUB_ERR_BAD_PARAMETER', `limit must be 1-${MAX_LIMIT}`, [
      { field: 'limit', message: `expected 1-${MAX_LIMIT}` },
    ]);
  }
  return limit;
}

function parseSince(value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  const date =
    typeof value === 'string' ? new Date(/^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new HubError('HUB_ERR_BAD_PARAMETER', 'since must be an ISO time or Unix seconds', [
      { field: 'since', message: 'invalid time' },
    ]);
  }
  return date;
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 256) {
    throw new HubError('HUB_ERR_BAD_PARAMETER', `${field} must be a single string`, [{ field, message: 'invalid' }]);
  }
  return value;
}
