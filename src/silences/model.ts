import { z } from 'zod';
import { matchersSchema, type Matchers } from './matchers.js';
import { storableIsoTime, storableText } from '../util/input-rules.js';
import { recurrenceProblems, windowAt, windowsBetween, type OpenWindow } from './recurrence.js';

/** The longest a one-off silence may last: longer mutes are forgotten, not planned. */
export const MAX_SILENCE_MS = 7 * 24 * 3_600_000;

export const SILENCE_ORIGINS = ['api', 'page', 'file'] as const;
export type SilenceOrigin = (typeof SILENCE_ORIGINS)[number];

const isoTime = storableIsoTime();

/**
 * What a client sends to create a silence: a one-off (`endsAt`) or a recurring window (`recurrence`,
 * `durationMinutes`, `timeZone`; `endsAt` then optionally ends the series).
 */
export const silenceInput = z
  .strictObject({
    matchers: matchersSchema.default({}),
    startsAt: isoTime.optional().meta({ description: 'Default: now.' }),
    endsAt: isoTime
      .optional()
      .meta({ description: 'Required for a one-off silence, at most 7 days after startsAt; ends a recurring window.' }),
    recurrence: storableText()
      .min(1)
      .max(500)
      .optional()
      .meta({ description: 'An RFC 5545 RRULE without DTSTART: FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0' }),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_SILENCE_MS / 60_000)
      .optional(),
    timeZone: storableText().min(1).max(64).optional().meta({ description: 'An IANA time zone: Europe/Stockholm' }),
    reason: storableText().trim().min(1, 'say why').max(500),
    createdBy: storableText()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'Default: who sent it (the token).' }),
  })
  .superRefine((input, context) => {
    const issue = (field: string, message: string) => context.addIssue({ code: 'custom', path: [field], message });
    const startsAt = input.startsAt ? Date.parse(input.startsAt) : Date.now();
    const endsAt = input.endsAt ? Date.parse(input.endsAt) : null;
    if (endsAt !== null && endsAt <= startsAt) issue('endsAt', 'must be after startsAt');
    const recurring =
      input.recurrence !== undefined || input.durationMinutes !== undefined || input.timeZone !== undefined;
    if (!recurring) {
      if (endsAt === null) issue('endsAt', 'required (at most 7 days after startsAt)');
      else if (endsAt - startsAt > MAX_SILENCE_MS) issue('endsAt', 'at most 7 days after startsAt');
      return;
    }
    if (input.recurrence === undefined) issue('recurrence', 'required for a recurring window');
    if (input.durationMinutes === undefined) issue('durationMinutes', 'required for a recurring window');
    if (input.timeZone === undefined) issue('timeZone', 'required for a recurring window (Europe/Stockholm)');
    if (input.recurrence === undefined || input.timeZone === undefined) return;
    for (const problem of recurrenceProblems({
      recurrence: input.recurrence,
      durationMinutes: input.durationMinutes ?? 1,
      timeZone: input.timeZone,
    }))
      issue(problem.field, problem.message);
  });

export type SilenceInput = z.infer<typeof silenceInput>;

export interface Silence {
  id: string;
  matchers: Matchers;
  startsAt: string;
  /** A one-off's end; a recurring window's last moment (null: no end). DELETE sets it to the moment it ended. */
  endsAt: string | null;
  recurrence: string | null;
  durationMinutes: number | null;
  timeZone: string | null;
  reason: string;
  createdBy: string;
  origin: SilenceOrigin;
  createdAt: string;
  /** Set when it was ended early (DELETE, the page): who ended it. */
  endedBy: string | null;
}

export type SilenceState = 'active' | 'pending' | 'expired';

/** Where a silence stands at `at`, and the window that holds now (a one-off's whole span). */
export function silenceStateAt(silence: Silence, at: Date): { state: SilenceState; window: OpenWindow | null } {
  const time = at.getTime();
  const startsAt = new Date(silence.startsAt);
  const endsAt = silence.endsAt ? new Date(silence.endsAt) : null;
  if (endsAt && time >= endsAt.getTime()) return { state: 'expired', window: null };
  if (time < startsAt.getTime()) return { state: 'pending', window: null };
  if (!silence.recurrence) return { state: 'active', window: { opensAt: startsAt, closesAt: endsAt! } };
  const open = windowAt(
    { recurrence: silence.recurrence, durationMinutes: silence.durationMinutes!, timeZone: silence.timeZone! },
    startsAt,
    at,
  );
  if (!open) return { state: 'pending', window: null };
  // A window the series' end cuts short closes there.
  const closesAt = endsAt && endsAt < open.closesAt ? endsAt : open.closesAt;
  return { state: 'active', window: { opensAt: open.opensAt, closesAt } };
}

/** How far ahead a pending window's next opening is looked for; past it the state is judged again. */
const SPAN_LOOKAHEAD_MS = 24 * 3_600_000;

/**
 * The state at `at` and how long it stays so, [from, until): a caller may reuse it for any time in that span
 * instead of running the rule again (the hot path asks for every notification).
 */
export function silenceSpanAt(
  silence: Silence,
  at: Date,
): { state: SilenceState; window: OpenWindow | null; from: number; until: number } {
  const time = at.getTime();
  const { state, window } = silenceStateAt(silence, at);
  const endsAt = silence.endsAt ? Date.parse(silence.endsAt) : Number.POSITIVE_INFINITY;
  const startsAt = Date.parse(silence.startsAt);
  if (state === 'expired') return { state, window, from: endsAt, until: Number.POSITIVE_INFINITY };
  if (state === 'active') return { state, window, from: window!.opensAt.getTime(), until: window!.closesAt.getTime() };
  if (!silence.recurrence || time < startsAt) return { state, window, from: Number.NEGATIVE_INFINITY, until: startsAt };
  const next = windowsBetween(
    { recurrence: silence.recurrence, durationMinutes: silence.durationMinutes!, timeZone: silence.timeZone! },
    new Date(startsAt),
    at,
    new Date(time + SPAN_LOOKAHEAD_MS),
  ).find((candidate) => candidate.opensAt.getTime() > time);
  return { state, window, from: time, until: Math.min(next?.opensAt.getTime() ?? time + SPAN_LOOKAHEAD_MS, endsAt) };
}
