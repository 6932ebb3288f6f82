import { z } from 'zod';
import { storableText } from '../util/input-rules.js';

/**
 * Which notifications a silence holds. Each key lists values, any of which may match (a value starting with `~`
 * is a regular expression over the whole value); every key given must match. A key the notification has no value
 * for (a `check` on a deployment) does not match, so a silence never holds more than it names.
 */
export const MATCHER_KEYS = ['application', 'cluster', 'team', 'kind', 'check', 'target'] as const;
export type MatcherKey = (typeof MATCHER_KEYS)[number];
export type Matchers = Partial<Record<MatcherKey, string[]>>;

/**
 * What a notification is about, as silences see it. `kind` and `target` may name a notification more than one
 * way; a matcher value matching any of them matches.
 */
export interface NotificationFacts {
  application?: string | null;
  cluster?: string | null;
  team?: string | null;
  /**
   * The event's type (deployment, error, recommendation, inspection, check.finished, insights.weekly), and the
   * kind the notification layer says it as (removal, alert, escalation, recovery, outcome, weekly…).
   */
  kind: string | readonly string[];
  /** For inspection transitions: the check (`endpoints.health`); for a check's outcome: its module. */
  check?: string | null;
  /**
   * Where it would go: the notification target's name (`slack-ops`) and the module delivering it (`slack`), so
   * a module's name holds every target it serves.
   */
  target: string | readonly string[];
}

const MAX_PATTERN = 200;

function regexProblem(value: string): string | null {
  if (!value.startsWith('~')) return null;
  try {
    new RegExp(`^(?:${value.slice(1)})$`, 'u');
    return null;
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
}

const matcherValue = storableText()
  .min(1)
  .max(MAX_PATTERN)
  .superRefine((value, context) => {
    const problem = regexProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const matcherList = z.array(matcherValue).min(1, 'list at least one value, or leave the key out').max(50);

/** An unknown key is named in the 400 (`matchers.colour`), not silently ignored. */
export const matchersSchema = z
  .object(
    Object.fromEntries(MATCHER_KEYS.map((key) => [key, matcherList.optional()])) as Record<
      MatcherKey,
      z.ZodOptional<typeof matcherList>
    >,
  )
  .catchall(z.unknown())
  .superRefine((value, context) => {
    for (const key of Object.keys(value))
      if (!(MATCHER_KEYS as readonly string[]).includes(key))
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown matcher key; use ${MATCHER_KEYS.join(', ')}`,
        });
  })
  .meta({
    description:
      'Each key lists values, any of which may match; `~` starts a regular expression over the whole value. Every key given must match; a key left out matches anything.',
  });

type Test = (value: string) => boolean;

function compileValue(value: string): Test {
  if (!value.startsWith('~')) return (candidate) => candidate === value;
  const pattern = new RegExp(`^(?:${value.slice(1)})$`, 'u');
  return (candidate) => pattern.test(candidate);
}

/** Matchers compiled once per silence (the hot path asks for every notification). */
export function compileMatchers(matchers: Matchers): (facts: NotificationFacts) => boolean {
  const tests = MATCHER_KEYS.flatMap((key) => {
    const values = matchers[key];
    if (!values || values.length === 0) return [];
    const compiled = values.map(compileValue);
    return [{ key, compiled }];
  });
  return (facts) =>
    tests.every(({ key, compiled }) => {
      const value = facts[key];
      const values: readonly unknown[] = Array.isArray(value) ? value : [value];
      return values.some(
        (candidate) => typeof candidate === 'string' && candidate !== '' && compiled.some((test) => test(candidate)),
      );
    });
}

/** The matchers a silence names, without `kind` and `check`: whether it is about an application, wherever it goes. */
export function withoutKinds(matchers: Matchers): Matchers {
  const { kind: _kind, check: _check, ...rest } = matchers;
  return rest;
}

/** True when the matchers name an application, a cluster or a team. */
export function namesWhatItIsAbout(matchers: Matchers): boolean {
  return (['application', 'cluster', 'team'] as const).some((key) => (matchers[key]?.length ?? 0) > 0);
}

/** True when the matchers name nothing: the silence holds every notification. */
export function matchesEverything(matchers: Matchers): boolean {
  return MATCHER_KEYS.every((key) => !matchers[key] || matchers[key].length === 0);
}
