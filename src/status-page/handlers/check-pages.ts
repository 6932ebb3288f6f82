import type { Request, Response } from 'express';
import { z } from 'zod';
import { HubError } from '../../errors.js';
import { listStates } from '../../store/inspection-state-repo.js';
import { checkErrorGroups, deliveryErrorGroups, failingKeys } from '../../store/status-errors-repo.js';
import { failedRuns } from '../../store/status-repo.js';
import { checkStates, optionalText, param, parsedQuery, send, type PageContext } from '../page-kit.js';
import { checkView, errorsFilter, errorsView, KEY_SORTS, schedulesView, type KeySort } from '../views/index.js';

export const checkQuery = z.object({
  sort: z
    .preprocess((value) => (value === '' ? undefined : value), z.enum(KEY_SORTS).optional())
    .describe(
      'targets: status (failing first, the default), target, since (latest change first), changes (flapping first)',
    ),
});

export const errorsQuery = z.object({ module: optionalText('one module or check') });

export async function showCheck(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const name = param(req, 'name');
  const sort: KeySort = parsedQuery<z.output<typeof checkQuery>>(res).sort ?? 'status';
  const [states, runs, keys] = await Promise.all([
    checkStates(ctx),
    ctx.checks?.runs?.(name, 30) ?? Promise.resolve(null),
    listStates(ctx.db, [name]),
  ]);
  const check = states.find((state) => state.name === name);
  if (!check || !runs) throw new HubError('HUB_ERR_NOT_FOUND', `no check "${name}"`);
  await send(ctx, req, res, { title: `Check ${name}`, nav: 'schedules' }, checkView(check, runs, keys, sort));
}

export async function showSchedules(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const [schedules, checks] = await Promise.all([ctx.scheduler.list(), checkStates(ctx)]);
  await send(
    ctx,
    req,
    res,
    { title: 'Schedules and inspections', nav: 'schedules' },
    schedulesView(req.viewer!, schedules, checks),
  );
}

/** Administrators only: grouped errors, each group with its "replay all"; narrowed to one module or check. */
export async function showErrors(ctx: PageContext, req: Request, res: Response): Promise<void> {
  if (!req.viewer!.admin) {
    res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  const only = parsedQuery<z.output<typeof errorsQuery>>(res).module;
  const modules = ctx.registry.names();
  const checks = (await checkStates(ctx)).map((check) => check.name);
  if (only && !modules.includes(only) && !checks.includes(only)) {
    throw new HubError('HUB_ERR_BAD_PARAMETER', `no module or check "${only}"`, [
      { field: 'module', message: 'unknown module or check' },
    ]);
  }
  const isModule = only !== undefined && modules.includes(only);
  const [groups, checkErrors, keys, runs] = await Promise.all([
    only && !isModule ? Promise.resolve([]) : deliveryErrorGroups(ctx.db, only ? [only] : modules),
    isModule ? Promise.resolve([]) : checkErrorGroups(ctx.db, { check: only, days: 7 }),
    isModule ? Promise.resolve([]) : failingKeys(ctx.db, only),
    only ? Promise.resolve([]) : failedRuns(ctx.db),
  ]);
  await send(
    ctx,
    req,
    res,
    { title: only ? `Errors: ${only}` : 'Errors', nav: 'errors', controls: errorsFilter(modules, checks, only) },
    errorsView(req.viewer!, { groups, checkErrors, failingKeys: keys, runs, only }),
  );
}
