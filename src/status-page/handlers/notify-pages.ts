import type { Request, Response } from 'express';
import { HubError } from '../../errors.js';
import { defaultRoutes } from '../../notify/default-routes.js';
import { TEMPLATE_KINDS } from '../../notify/templates.js';
import { send, type PageContext } from '../page-kit.js';
import { notificationsView } from '../views/notifications.js';

/** Targets, routes and templates as the notify API lists them: no settings, no secrets. */
export async function showNotifications(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const hooks = ctx.notify;
  if (!hooks?.routes || !hooks.templates)
    throw new HubError('HUB_ERR_NOT_FOUND', 'notifications are not available on this hub');
  const [stored, templates] = await Promise.all([hooks.routes.stored(), hooks.templates.all(), hooks.loadTargets()]);
  const targets = hooks.targets();
  // Incident targets send no words of their own: nothing to template.
  const worded = targets.filter((target) => hooks.partsOf(target.name)?.provider);
  const providers = [...new Set(worded.map((target) => target.provider))];
  await send(
    ctx,
    req,
    res,
    { title: 'Notifications', nav: 'notifications' },
    notificationsView({
      targets,
      routes: stored ?? defaultRoutes(hooks),
      source: stored ? 'stored' : 'default',
      templates: providers.flatMap((provider) =>
        TEMPLATE_KINDS.map((kind) => ({ provider, kind, template: templates.get(`${provider}:${kind}`) ?? null })),
      ),
    }),
  );
}
