import type { Request, Response } from 'express';
import { HubError } from '../../errors.js';
import { deliveryIdsOf, findDeliveries, isUuid } from '../../store/delivery-views.js';
import { deadIdsOfGroup } from '../../store/status-errors-repo.js';
import { formField, localPath, param, send, type PageContext } from '../page-kit.js';
import { confirmView } from '../views/index.js';

/**
 * The page's actions: the same registry, engine and scheduler calls as the admin JSON routes. Each answers
 * a flash message for the page it came from; an action that is hard to undo first asks (`confirm`), and runs
 * only when the form comes back with `confirm=yes`.
 */
export interface Action {
  /** Runs the action; answers the flash message. */
  run(ctx: PageContext, req: Request): Promise<string> | string;
  /** What to ask first, when the action needs asking in this case; null runs it at once. */
  confirm?(ctx: PageContext, req: Request): Promise<Confirmation | null> | Confirmation | null;
  /**
   * A form whose fields were refused (a 400 naming them) shown again, what was typed kept and each problem next
   * to its field; absent: the error page.
   */
  invalid?(ctx: PageContext, req: Request, res: Response, error: HubError): Promise<void>;
}

export interface Confirmation {
  title: string;
  question: string;
  consequence: string;
  yes: string;
  fields?: Record<string, string>;
}

/** The handler of one action route (after sign-in and the CSRF check). */
export function runAction(action: Action) {
  return async (ctx: PageContext, req: Request, res: Response): Promise<void> => {
    const back = localPath(formField(req, 'back'));
    if (formField(req, 'confirm') !== 'yes' && action.confirm) {
      const asking = await action.confirm(ctx, req);
      if (asking) {
        const view = confirmView(req.viewer!, {
          action: req.path,
          question: asking.question,
          consequence: asking.consequence,
          yes: asking.yes,
          back,
          fields: asking.fields ?? {},
        });
        await send(ctx, req, res, { title: asking.title, nav: 'overview', flash: null }, view);
        return;
      }
    }
    let said: string;
    try {
      said = await action.run(ctx, req);
    } catch (error) {
      if (!(action.invalid && error instanceof HubError && error.status === 400 && error.fields?.length)) throw error;
      await action.invalid(ctx, req, res, error);
      return;
    }
    ctx.auth.flash(req, res, said);
    res.redirect(303, back);
  };
}

function moduleName(ctx: PageContext, req: Request): string {
  const name = param(req, 'name');
  if (!ctx.registry.has(name)) throw new HubError('HUB_ERR_NOT_FOUND', `no module "${name}"`);
  return name;
}

async function deliveryOf(ctx: PageContext, req: Request) {
  const id = param(req, 'id');
  const found = isUuid(id) ? await findDeliveries(ctx.db, { deliveryId: id, limit: 1 }) : [];
  if (found.length === 0) throw new HubError('HUB_ERR_NOT_FOUND', `no delivery ${id}`);
  return found[0]!;
}

export const replayDelivery: Action = {
  async confirm(ctx, req) {
    const delivery = await deliveryOf(ctx, req);
    if (delivery.status !== 'succeeded') return null;
    return {
      title: 'Replay a delivery that succeeded?',
      question: `The ${delivery.module} delivery of this event succeeded. Run it again?`,
      consequence: `${delivery.module} does its work once more (a message posted again, a row written again).`,
      yes: `Yes, replay the ${delivery.module} delivery`,
    };
  },
  async run(ctx, req) {
    const delivery = await deliveryOf(ctx, req);
    const replayed = await ctx.db.transaction((client) => ctx.engine.replay(client, [delivery.id]));
    return replayed.length > 0
      ? 'Delivery queued again.'
      : 'That delivery is queued or running already; replay it when it ends.';
  },
};

export const replayModuleDead: Action = {
  async run(ctx, req) {
    const name = moduleName(ctx, req);
    const ids = await deliveryIdsOf(ctx.db, name, 'dead');
    const replayed = ids.length > 0 ? await ctx.db.transaction((client) => ctx.engine.replay(client, ids)) : [];
    return `${replayed.length} dead deliveries of ${name} queued again.`;
  },
};

function groupOf(req: Request): { module: string; code: string } {
  const module = formField(req, 'module');
  const code = formField(req, 'code');
  if (!/^HUB_ERR_[A-Z_]{1,40}$/.test(code)) {
    throw new HubError('HUB_ERR_BAD_PARAMETER', 'code must be an error code of the catalogue', [
      { field: 'code', message: 'not an error code' },
    ]);
  }
  return { module, code };
}

export const replayErrorGroup: Action = {
  async confirm(ctx, req) {
    const { module, code } = groupOf(req);
    if (!ctx.registry.has(module)) throw new HubError('HUB_ERR_NOT_FOUND', `no module "${module}"`);
    const count = (await deadIdsOfGroup(ctx.db, module, code)).length;
    return {
      title: 'Replay a group of dead deliveries?',
      question: `Replay all ${count} dead ${module} deliveries that failed with ${code}?`,
      consequence: `Each runs again with a fresh attempt budget; if the cause is not fixed they fail again.`,
      yes: `Yes, replay all ${count}`,
      fields: { module, code },
    };
  },
  async run(ctx, req) {
    const { module, code } = groupOf(req);
    if (!ctx.registry.has(module)) throw new HubError('HUB_ERR_NOT_FOUND', `no module "${module}"`);
    const ids = await deadIdsOfGroup(ctx.db, module, code);
    const replayed = ids.length > 0 ? await ctx.db.transaction((client) => ctx.engine.replay(client, ids)) : [];
    return `${replayed.length} dead deliveries of ${module} (${code}) queued again.`;
  },
};

export const enableModule: Action = {
  run(ctx, req) {
    const name = moduleName(ctx, req);
    try {
      ctx.registry.enable(name);
    } catch (error) {
      throw new HubError('HUB_ERR_CONFLICT', (error as Error).message);
    }
    return `${name} is on (on this replica).`;
  },
};

export const disableModule: Action = {
  confirm(ctx, req) {
    const name = moduleName(ctx, req);
    return {
      title: `Turn off ${name}?`,
      question: `Turn off ${name} on this replica?`,
      consequence: `Events that arrive while it is off are not delivered to ${name}; turn it on again from the overview.`,
      yes: `Yes, turn off ${name}`,
    };
  },
  run(ctx, req) {
    const name = moduleName(ctx, req);
    ctx.registry.disable(name);
    return `${name} is off (on this replica).`;
  },
};

export const runSchedule: Action = {
  async run(ctx, req) {
    const id = param(req, 'id');
    if (!ctx.scheduler.has(id)) throw new HubError('HUB_ERR_NOT_FOUND', `no schedule "${id}"`);
    if ((await ctx.scheduler.runNow(id)) === null)
      throw new HubError('HUB_ERR_CONFLICT', `${id} has a run queued or running already.`);
    return `${id} will run now.`;
  },
};
