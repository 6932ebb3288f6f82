import type { Request, Response } from 'express';
import { isStorableTime } from '../../util/input-rules.js';
import { HubError, validationError } from '../../errors.js';
import { MATCHER_KEYS } from '../../silences/matchers.js';
import { silenceInput } from '../../silences/model.js';
import type { Silences } from '../../silences/silences.js';
import { formField, param, send, type PageContext } from '../page-kit.js';
import { silencesView } from '../views/silences.js';
import type { Action } from './actions.js';

function silencesOf(ctx: PageContext): Silences {
  if (!ctx.silences) throw new HubError('HUB_ERR_NOT_FOUND', 'silences are not available on this hub');
  return ctx.silences;
}

export async function showSilences(ctx: PageContext, req: Request, res: Response): Promise<void> {
  const silences = silencesOf(ctx);
  const [active, pending, all] = await Promise.all([
    silences.list({ state: 'active' }),
    silences.list({ state: 'pending' }),
    silences.list({ state: 'expired' }),
  ]);
  await send(
    ctx,
    req,
    res,
    { title: 'Silences', nav: 'silences' },
    silencesView(req.viewer!, { active, pending, history: all.slice(0, 50) }),
  );
}

/** The page's form: matchers as comma-separated lists, a length in minutes, a reason; validated as the API's body. */
export const createSilence: Action = {
  async run(ctx, req) {
    const matchers: Record<string, string[]> = {};
    for (const key of MATCHER_KEYS) {
      const values = formField(req, key)
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean);
      if (values.length > 0) matchers[key] = values;
    }
    const minutes = Number(formField(req, 'minutes'));
    const startsAt = new Date();
    const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
    const parsed = silenceInput.safeParse({
      matchers,
      startsAt: startsAt.toISOString(),
      // A length past any time (1e20 minutes) is refused by the schema as no time at all, never thrown here.
      endsAt: Number.isFinite(minutes) && isStorableTime(endsAt) ? endsAt.toISOString() : 'never',
      reason: formField(req, 'reason'),
    });
    if (!parsed.success) throw validationError(parsed.error, 'silence');
    const created = await silencesOf(ctx).create(parsed.data, { createdBy: 'status page', origin: 'page' }, null);
    return [`Muted until ${created.silence.endsAt}.`, ...created.warnings].join(' ');
  },
};

export const endSilence: Action = {
  async run(ctx, req) {
    const ended = await silencesOf(ctx).end(param(req, 'id'), 'status page');
    if (!ended) throw new HubError('HUB_ERR_NOT_FOUND', `no silence ${param(req, 'id')}`);
    return `Silence ended: ${ended.reason}.`;
  },
};
