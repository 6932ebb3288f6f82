import type { Router } from 'express';
import { z } from 'zod';
import { hubRouter } from '../../util/http-router.js';
import type { CoreConfig } from '../../config/config.js';
import { HubError } from '../../errors.js';
import { validateAndEnrich } from '../../ingest/ingest.js';
import type { NotifyHooks } from '../../notify/hooks.js';
import { renderTemplate, TEMPLATE_KINDS, templateBodySchema, type TemplateKind } from '../../notify/templates.js';
import type { Db } from '../../store/db.js';
import { isUuid } from '../../store/delivery-views.js';
import { findEvent } from '../../store/events-repo.js';
import type { Access } from '../auth.js';
import { methodNotAllowed } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { doc } from '../route-docs.js';

const previewBody = z
  .object({
    provider: z.string().min(1).max(100),
    kind: z.enum(TEMPLATE_KINDS),
    eventId: z.string().min(1).max(100).optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
    template: z.string().min(1).max(20_000).optional(),
  })
  .strict()
  .refine((body) => (body.eventId === undefined) !== (body.payload === undefined), {
    message: 'give eventId or payload',
    path: ['eventId'],
  });

const PREVIEW_ID = '00000000-0000-4000-8000-000000000000';

/** Message templates per provider and kind (Liquid), and their preview. */
export function notifyTemplateRoutes(deps: {
  hooks: NotifyHooks;
  db: Db;
  config: Readonly<CoreConfig>;
  access: Access;
  publicUrl: () => string;
}): Router {
  const router = hubRouter();
  const admin = deps.access.requireToken('admin');
  const tags = ['notifications'];
  const { hooks } = deps;
  const book = () => {
    if (!hooks.templates) throw new HubError('HUB_ERR_UNAVAILABLE', 'the store is not open yet');
    return hooks.templates;
  };
  const providerOf = (name: string) => {
    const found = hooks.targets().find((target) => target.provider === name && hooks.partsOf(target.name)?.provider);
    if (!found) throw new HubError('HUB_ERR_NOT_FOUND', `no provider "${name}" with templates`);
    return hooks.partsOf(found.name)!.provider!;
  };
  const kindOf = (kind: string): TemplateKind => {
    if (!(TEMPLATE_KINDS as readonly string[]).includes(kind))
      throw new HubError('HUB_ERR_NOT_FOUND', `no template kind "${kind}" (${TEMPLATE_KINDS.join(', ')})`);
    return kind as TemplateKind;
  };

  router.get(
    '/api/v1/notify/templates',
    doc({
      summary:
        "Every provider's template per kind: the one in use (`source`: stored or default), the default (the built-in words as Liquid) and the stored one beside it",
      tags,
    }),
    async (_req, res) => {
      const stored = await book().all();
      // Incident targets send no words of their own: nothing to template.
      const worded = hooks.targets().filter((target) => hooks.partsOf(target.name)?.provider);
      const providers = [...new Map(worded.map((target) => [target.provider, providerOf(target.provider)])).values()];
      res.json({
        templates: providers.flatMap((provider) =>
          TEMPLATE_KINDS.map((kind) => {
            const own = stored.get(`${provider.name}:${kind}`) ?? null;
            const fallback = provider.render.templates[kind];
            return {
              provider: provider.name,
              kind,
              source: own ? 'stored' : 'default',
              template: own ?? fallback,
              default: fallback,
              stored: own,
            };
          }),
        ),
      });
    },
  );

  router
    .route('/api/v1/notify/templates/:provider/:kind')
    .put(
      doc({
        summary: 'Store a Liquid template for a provider and kind, checked by a trial render',
        tags,
        auth: 'admin',
        documentedBody: templateBodySchema,
        errors: { 400: 'the template does not parse or render', 404: 'no such provider or kind' },
      }),
      admin,
      ...jsonBody(),
      async (req, res) => {
        const provider = providerOf(String(req.params.provider));
        const kind = kindOf(String(req.params.kind));
        await book().put(provider.name, kind, req.body, 'admin');
        const stored = await book().get(provider.name, kind);
        res.json({
          provider: provider.name,
          kind,
          source: 'stored',
          template: stored,
          default: provider.render.templates[kind],
          stored,
        });
      },
    )
    .delete(
      doc({ summary: "Remove a stored template: the provider's built-in words again", tags, auth: 'admin' }),
      admin,
      async (req, res) => {
        const provider = providerOf(String(req.params.provider));
        const kind = kindOf(String(req.params.kind));
        await book().remove(provider.name, kind, 'admin');
        const template = provider.render.templates[kind];
        res.json({ provider: provider.name, kind, source: 'default', template, default: template, stored: null });
      },
    )
    .all(methodNotAllowed(['PUT', 'DELETE']));

  router.post(
    '/api/v1/notify/preview',
    doc({
      summary:
        'A template (given, else the stored one, else the default) rendered for an event or a payload; nothing sent',
      tags,
      auth: 'admin',
      body: previewBody,
      errors: { 400: 'the field named', 404: 'no such provider or event' },
    }),
    admin,
    async (req, res) => {
      const body = req.body as z.output<typeof previewBody>;
      const provider = providerOf(body.provider);
      let event: { id: string; type: string; payload: unknown };
      if (body.eventId !== undefined) {
        const found = isUuid(body.eventId) ? await findEvent(deps.db, body.eventId) : null;
        if (!found) throw new HubError('HUB_ERR_NOT_FOUND', `no event ${body.eventId}`);
        event = found;
      } else {
        const type = body.kind === 'removal' ? 'deployment' : body.kind;
        if (type !== 'deployment' && type !== 'error' && type !== 'recommendation')
          throw new HubError('HUB_ERR_VALIDATION', `a ${body.kind} preview needs an eventId`, [
            { field: 'payload', message: 'give the eventId of a stored event of this kind' },
          ]);
        event = { id: PREVIEW_ID, type, payload: validateAndEnrich(type, body.payload, deps.config) };
      }
      // Without a template given or stored, the default: what is sent today.
      const template =
        body.template ?? (await book().get(provider.name, body.kind)) ?? provider.render.templates[body.kind];
      const link = `${deps.publicUrl()}/api/v1/events/${event.id}`;
      try {
        const text = await renderTemplate(template, { ...event, link }, (value) => provider.render.escape(value), {
          hubUrl: deps.publicUrl(),
        });
        res.json({ text, message: provider.render.lineMessage(text), warnings: [] });
      } catch (error) {
        res.json({
          text: null,
          warnings: [
            `the template failed: ${(error as Error).message.split('\n')[0]}; the built-in words would be sent`,
          ],
        });
      }
    },
  );
  return router;
}
