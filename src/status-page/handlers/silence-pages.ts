import type { Request, Response } from 'express';
import { isStorableTime } from '../../util/input-rules.js';
import { HubError, type FieldProblem } from '../../errors.js';
import { MATCHER_KEYS } from '../../silences/matchers.js';
import { silenceInput } from '../../silences/model.js';
import type { Silences } from '../../silences/silences.js';
import { clockTime, isWeekday, ruleInWords, weeklyRule } from '../../silences/weekly-rule.js';
import { stamp } from '../html.js';
import { formField, param, send, type PageContext } from '../page-kit.js';
import { DEFAULT_TIME_ZONE, type SilenceFormState } from '../views/silence-form.js';
import { silenceControls, silencesView } from '../views/silences.js';
import type { Action } from './actions.js';

function silencesOf(ctx: PageContext): Silences {
  if (!ctx.silences) throw new HubError('HUB_ERR_NOT_FOUND', 'silences are not available on this hub');
  return ctx.silences;
}

async function ownedSilences(ctx: PageContext): Promise<Map<string, string>> {
  const rows = ctx.ownership ? [...(await ctx.ownership.ofKind('silence')).values()] : [];
  return new Map(rows.flatMap((row) => (row.ref ? [[row.ref, row.file] as const] : [])));
}

async function renderSilences(
  ctx: PageContext,
  req: Request,
  res: Response,
  form: SilenceFormState | null,
): Promise<void> {
  const silences = silencesOf(ctx);
  const [active, pending, all, owned] = await Promise.all([
    silences.list({ state: 'active' }),
    silences.list({ state: 'pending' }),
    silences.list({ state: 'expired' }),
    ownedSilences(ctx),
  ]);
  await send(
    ctx,
    req,
    res,
    {
      title: 'Silences',
      nav: 'silences',
      controls: silenceControls(req.viewer!, form),
      ...(form ? { flash: null } : {}),
    },
    silencesView(req.viewer!, { active, pending, history: all.slice(0, 50), owned }),
    form ? 400 : 200,
  );
}

export function showSilences(ctx: PageContext, req: Request, res: Response): Promise<void> {
  return renderSilences(ctx, req, res, null);
}

/** The API's field names as the form's: a matcher's values are its box; a one-off's end is its minutes. */
function formFieldOf(field: string): string {
  const [head, next] = field.split('.');
  if (head === 'matchers' && next) return next;
  if (head === 'endsAt' || head === 'startsAt') return 'minutes';
  if (head === 'recurrence') return 'days';
  return head ?? field;
}

/**
 * The form as the API's body: matchers from comma-separated lists, a reason, and either a length in minutes from
 * now or a weekly window (days, HH:MM, minutes, an IANA zone) made into its RRULE. Every problem is named by the
 * form's field (400), so the form can show it next to that field.
 */
function silenceFromForm(req: Request) {
  const problems: FieldProblem[] = [];
  const matchers: Record<string, string[]> = {};
  for (const key of MATCHER_KEYS) {
    const values = formField(req, key)
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean);
    if (values.length > 0) matchers[key] = values;
  }
  const reason = formField(req, 'reason');
  let when: Record<string, unknown>;
  if (formField(req, 'repeat') === 'weekly') {
    const sent = (req.body as Record<string, unknown> | undefined)?.days;
    const days = ([] as unknown[]).concat(sent ?? []).filter((day): day is string => typeof day === 'string');
    const weekdays = days.filter(isWeekday);
    if (weekdays.length === 0) problems.push({ field: 'days', message: 'pick at least one day' });
    const at = clockTime(formField(req, 'time'));
    if (!at) problems.push({ field: 'time', message: 'a time of day as HH:MM (02:00)' });
    const minutes = Number(formField(req, 'durationMinutes'));
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 10_080)
      problems.push({ field: 'durationMinutes', message: 'whole minutes, 1 to 10080 (7 days)' });
    when = {
      // A stand-in rule while days or time are wrong, so the other fields are still checked in the same answer.
      recurrence: weeklyRule(weekdays.length > 0 ? weekdays : ['MO'], at?.hour ?? 0, at?.minute ?? 0),
      durationMinutes: Number.isInteger(minutes) && minutes >= 1 && minutes <= 10_080 ? minutes : 60,
      timeZone: formField(req, 'timeZone').trim() || DEFAULT_TIME_ZONE,
    };
  } else {
    const minutes = Number(formField(req, 'minutes'));
    const startsAt = new Date();
    const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
    if (!Number.isFinite(minutes) || minutes <= 0 || formField(req, 'minutes').trim() === '')
      problems.push({ field: 'minutes', message: 'how many minutes from now, 1 to 10080 (7 days)' });
    when = {
      startsAt: startsAt.toISOString(),
      // A length past any time (1e20 minutes) is refused by the schema as no time at all, never thrown here.
      endsAt: Number.isFinite(minutes) && isStorableTime(endsAt) ? endsAt.toISOString() : 'never',
    };
  }
  const parsed = silenceInput.safeParse({ matchers, ...when, reason });
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = formFieldOf(issue.path.map(String).join('.') || '(body)');
      if (!problems.some((known) => known.field === field)) problems.push({ field, message: issue.message });
    }
  if (problems.length > 0 || !parsed.success)
    throw new HubError(
      'HUB_ERR_VALIDATION',
      `invalid silence: ${[...new Set(problems.map((p) => p.field))].join(', ')}`,
      problems,
    );
  return parsed.data;
}

export const createSilence: Action = {
  async run(ctx, req) {
    const input = silenceFromForm(req);
    const created = await silencesOf(ctx).create(input, { createdBy: 'status page', origin: 'page' }, null);
    const { silence } = created;
    const said = silence.recurrence
      ? `Window set: ${ruleInWords(silence.recurrence) ?? silence.recurrence} for ${silence.durationMinutes} min (${silence.timeZone})${silence.window ? `; next opens ${stamp(silence.window.opensAt)}` : ''}.`
      : `Muted until ${stamp(silence.endsAt!)}.`;
    return [said, ...created.warnings].join(' ');
  },
  async invalid(ctx, req, res, error) {
    const values: SilenceFormState['values'] = {};
    for (const [name, value] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
      if (name === '_csrf' || name === 'back') continue;
      if (typeof value === 'string') values[name] = value;
      else if (Array.isArray(value)) values[name] = value.filter((item): item is string => typeof item === 'string');
    }
    const errors: Record<string, string> = {};
    for (const field of error.fields ?? []) errors[field.field] ??= field.message;
    await renderSilences(ctx, req, res, { values, errors });
  },
};

export const endSilence: Action = {
  async run(ctx, req) {
    const id = param(req, 'id');
    // The same refusal as DELETE /api/v1/silences/:id: the file says how long it holds.
    await ctx.ownership?.refuseEndingOwnedSilence(id);
    const ended = await silencesOf(ctx).end(id, 'status page');
    if (!ended) throw new HubError('HUB_ERR_NOT_FOUND', `no silence ${id}`);
    return `Silence ended: ${ended.reason}.`;
  },
};
