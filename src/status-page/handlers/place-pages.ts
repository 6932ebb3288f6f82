import type { Request, Response } from 'express';
import { z } from 'zod';
import { HubError, validationError } from '../../errors.js';
import { insightsQuery, questionOf } from '../../insights/query.js';
import { keysOfApplications } from '../../store/status-errors-repo.js';
import {
  applicationDeliveries,
  applicationDeployments,
  applicationKnown,
  errorReports,
  latestDeploymentsByCluster,
} from '../../store/status-places-repo.js';
import { optionalText, param, parsedQuery, send, type PageContext } from '../page-kit.js';
import {
  applicationView,
  clusterPicker,
  deploymentsView,
  insightsFilters,
  insightsView,
  teamView,
} from '../views/index.js';

export const deploymentsQuery = z.object({ cluster: optionalText('one cluster') });

export async function showDeployments(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const { cluster } = parsedQuery<z.output<typeof deploymentsQuery>>(res);
  const deployments = await latestDeploymentsByCluster(ctx.db);
  const clusters = [...new Set(deployments.map((deployment) => deployment.cluster))].sort();
  await send(
    ctx,
    req,
    res,
    { title: 'Deployments: latest per application', nav: 'deployments', controls: clusterPicker(clusters, cluster) },
    deploymentsView(deployments, cluster),
  );
}

export async function showInsights(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const parsed = insightsQuery.safeParse(req.query);
  if (!parsed.success) throw validationError(parsed.error, 'query');
  if (!ctx.insights) throw new HubError('HUB_ERR_NOT_FOUND', 'insights are not served by this hub');
  // The page shows counts and charts; the ids behind them are the JSON route's.
  const question = { ...questionOf(parsed.data, new Date()), idsLimit: 0 };
  await send(
    ctx,
    req,
    res,
    { title: 'Delivery insights', nav: 'insights', controls: insightsFilters(parsed.data, question) },
    insightsView(await ctx.insights.answer(question)),
  );
}

/** One application: versions per cluster over time, its deliveries, checks, error reports and insights. */
export async function showApplication(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const name = param(req, 'name');
  if (!(await applicationKnown(ctx.db, name))) throw new HubError('HUB_ERR_NOT_FOUND', `no application "${name}"`);
  const [deployments, deliveries, keys, errors, insights] = await Promise.all([
    applicationDeployments(ctx.db, name),
    applicationDeliveries(ctx.db, name),
    keysOfApplications(ctx.db, [name]),
    errorReports(ctx.db, [name]),
    ctx.insights?.answer({ ...questionOf({ application: name }, new Date()), idsLimit: 0 }) ?? Promise.resolve(null),
  ]);
  await send(
    ctx,
    req,
    res,
    { title: `Application ${name}`, nav: 'deployments' },
    applicationView({ name, deployments, deliveries, keys, errors, insights }),
  );
}

/** One team, read-only: its applications with versions per cluster and health, open alerts, recent errors. */
export async function showTeam(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const team = param(req, 'team');
  const deployments = await latestDeploymentsByCluster(ctx.db, { team });
  if (deployments.length === 0) throw new HubError('HUB_ERR_NOT_FOUND', `no team "${team}"`);
  const applications = [...new Set(deployments.map((deployment) => deployment.applicationName))];
  const [keys, errors] = await Promise.all([
    keysOfApplications(ctx.db, applications),
    errorReports(ctx.db, applications),
  ]);
  await send(
    ctx,
    req,
    res,
    { title: `Team ${team}`, nav: 'deployments' },
    teamView({ team, deployments, keys, errors }),
  );
}
