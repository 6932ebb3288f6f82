import type { Router } from 'express';
import { z } from 'zod';
import { hubRouter } from '../../util/http-router.js';
import { HubError } from '../../errors.js';
import type { NotifyHooks } from '../../notify/hooks.js';
import { shownSettings, targetBodySchema, targetNameSchema } from '../../notify/targets.js';
import type { Access } from '../auth.js';
import { methodNotAllowed } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { doc } from '../route-docs.js';

const params = z.object({ name: targetNameSchema });

/**
 * Notification targets over HTTP: the environment's and the stored ones listed (settings of stored ones with
 * every secret as `(set)`), stored ones added, changed and removed at run time on every replica.
 */
export function notifyTargetRoutes(deps: { hooks: NotifyHooks; access: Access }): Router {
  const router = hubRouter();
  const admin = deps.access.requireToken('admin');
  const tags = ['notifications'];
  const { hooks } = deps;
  const book = () => {
    if (!hooks.targetBook) throw new HubError('HUB_ERR_UNAVAILABLE', 'the store is not open yet');
    return hooks.targetBook;
  };
  /** A target as listed: a stored one with its settings as shown (never a secret) and who changed it last. */
  const listed = async () => {
    await hooks.loadTargets();
    const stored = new Map(hooks.storedTargets().map((target) => [target.name, target]));
    return hooks.targets().map((target) => {
      const row = stored.get(target.name);
      if (!row) return target;
      const settings = shownSettings(hooks.kindOf(row.provider) ?? undefined, row.settings);
      return { ...target, settings, updatedBy: row.updatedBy, updatedAt: row.updatedAt };
    });
  };
  const refuseEnvTarget = (name: string) => {
    const owner = hooks.envOwnerOf(name);
    if (owner)
      throw new HubError(
        'HUB_ERR_CONFLICT',
        `target "${name}" is made from the environment (${owner}): change it there, or store a target of another name`,
      );
  };

  router.get(
    '/api/v1/notify/targets',
    doc({
      summary: "Notification targets: the environment's and the stored ones (`origin`), never a secret",
      tags,
    }),
    async (_req, res) => {
      res.json({ targets: await listed() });
    },
  );

  router
    .route('/api/v1/notify/targets/:name')
    .get(
      doc({ summary: 'One notification target, never a secret', tags, params, errors: { 404: 'no such target' } }),
      async (req, res) => {
        const found = (await listed()).find((target) => target.name === req.params.name);
        if (!found) throw new HubError('HUB_ERR_NOT_FOUND', `no target "${String(req.params.name)}"`);
        res.json(found);
      },
    )
    .put(
      doc({
        summary:
          "Store a target (`{provider, settings}`, the settings checked by the provider's schema; a secret left out or sent as `(set)` keeps its value); every replica within seconds",
        tags,
        auth: 'admin',
        params,
        documentedBody: targetBodySchema,
        errors: {
          400: 'the path of the bad field (`settings.webhookUrl`), or a provider that takes no stored targets',
          409: 'the name is an environment-made target, or the stored target is of another provider',
        },
      }),
      admin,
      ...jsonBody(),
      async (req, res) => {
        const name = String(req.params.name);
        refuseEnvTarget(name);
        const stored = await book().put(name, req.body, (provider) => hooks.kindOf(provider), 'admin');
        res.json({ ...stored, origin: 'api' });
      },
    )
    .delete(
      doc({
        summary: 'Remove a stored target; every replica within seconds',
        tags,
        auth: 'admin',
        params,
        errors: { 404: 'no stored target of that name', 409: 'an environment-made target, or a stored route names it' },
      }),
      admin,
      async (req, res) => {
        const name = String(req.params.name);
        refuseEnvTarget(name);
        const routes = hooks.routes ? await hooks.routes.stored(true) : null;
        const usedBy = routes?.find((route) => route.to.some((to) => to.target === name))?.name ?? null;
        const stored = (await book().all()).find((target) => target.name === name);
        await book().remove(name, stored && (hooks.kindOf(stored.provider) ?? undefined), usedBy, 'admin');
        res.json({ name, removed: true });
      },
    )
    .all(methodNotAllowed(['GET', 'PUT', 'DELETE']));
  return router;
}
