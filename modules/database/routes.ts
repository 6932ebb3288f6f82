import type { Router } from 'express';
import { z } from 'zod';
import { latestDeployments, listDeployments, type DeploymentRow } from './history.js';
import { doc, isPostgresTimeText, isUuid, storableText, storableTime, type Db } from '../../src/module-api.js';

const MAX_LIMIT = 200;

const name = (description: string) => storableText().max(256).optional().describe(description);

const cursorField = z
  .string()
  .max(200)
  .transform((value, context) => {
    const cursor = decodeCursor(value);
    if (cursor) return cursor;
    context.addIssue({ code: 'custom', message: 'not a cursor this API gave out' });
    return z.NEVER;
  });

const historyQuery = z.object({
  cluster: name('one cluster'),
  applicationName: name('one application'),
  team: name('one team'),
  since: storableTime().optional().describe('received at or after: an ISO 8601 time or Unix seconds'),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50).describe(`page size, 1-${MAX_LIMIT} (default 50)`),
  cursor: cursorField.optional().describe('the nextCursor of the page before'),
});

const latestQuery = z.object({ cluster: storableText().min(1).max(256).describe('the cluster (required)') });

export function mountHistoryRoutes(router: Router, db: Db): void {
  router.get(
    '/api/v1/deployments',
    doc({
      summary: 'Deployment history, newest first (filters: cluster, applicationName, team, since; limit, cursor)',
      tags: ['deployments'],
      query: historyQuery,
    }),
    async (_req, res) => {
      const query = res.locals.query as z.output<typeof historyQuery>;
      const page = await listDeployments(db, {
        cluster: query.cluster,
        applicationName: query.applicationName,
        team: query.team,
        since: query.since,
        limit: query.limit,
        cursor: query.cursor,
      });
      res.json({
        deployments: page.items.map(present),
        nextCursor: page.next ? encodeCursor(page.next) : null,
      });
    },
  );

  router.get(
    '/api/v1/deployments/latest',
    doc({
      summary: 'The latest deployment of each application in a cluster (?cluster=)',
      tags: ['deployments'],
      query: latestQuery,
    }),
    async (_req, res) => {
      const { cluster } = res.locals.query as z.output<typeof latestQuery>;
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

/** The position (as PostgreSQL printed it, microseconds kept so no row falls between pages) and id, or null. */
function decodeCursor(value: string): { receivedAt: string; id: string } | null {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2) return null;
    const [receivedAt, id] = decoded as [unknown, unknown];
    if (typeof receivedAt !== 'string' || !isPostgresTimeText(receivedAt) || typeof id !== 'string' || !isUuid(id))
      return null;
    return { receivedAt, id };
  } catch {
    return null;
  }
}
