import { z } from 'zod';

/**
 * zod building blocks for reading environment variables. Every value arrives as a string (or not at
 * all); an empty string means "not set", as it did for the original's `os.environ.get(...)` checks.
 */
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export const envString = () => z.preprocess(blankToUndefined, z.string().trim().optional());

export const envList = () =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value) =>
        value === undefined
          ? []
          : [
              ...new Set(
                value
                  .split(',')
                  .map((part) => part.trim())
                  .filter((part) => part.length > 0),
              ),
            ],
      ),
  );

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

export const envBool = (fallback: boolean) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .refine(
        (value) => value === undefined || TRUE_WORDS.has(value.toLowerCase()) || FALSE_WORDS.has(value.toLowerCase()),
        {
          message: 'expected true or false',
        },
      )
      .transform((value) => (value === undefined ? fallback : TRUE_WORDS.has(value.toLowerCase()))),
  );

export const envInt = (fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .refine((value) => value === undefined || /^-?\d+$/.test(value.trim()), { message: 'expected a whole number' })
      .transform((value) => (value === undefined ? fallback : Number.parseInt(value, 10)))
      .refine((value) => value >= min && value <= max, { message: `expected a number from ${min} to ${max}` }),
  );

export const envUrl = () =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .optional()
      .refine((value) => value === undefined || isHttpUrl(value), { message: 'expected an http(s) URL' }),
  );

export const envUrlWithDefault = (fallback: string) => envUrl().transform((value) => value ?? fallback);

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export type Env = Record<string, string | undefined>;

/** Turns zod issues into "NAME: problem" lines, one per problem, so a start-up error lists them all. */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.length > 0 ? issue.path.join('.') : '(environment)';
    return `${prefix}${name}: ${issue.message}`;
  });
}

/** The shortest secret (token, signing secret) the hub accepts: shorter ones are guessable. */
export const MIN_SECRET = 16;

/**
 * Reads a schema whose every field is an optional trimmed string (such a parse cannot fail) and checks each
 * value as it is taken, collecting every problem by variable name: a secret's length, a whole number's range.
 */
export function readEnvFields<K extends string>(schema: z.ZodType<Partial<Record<K, string>>>, env: Env) {
  const fields = schema.parse(env);
  const problems: string[] = [];
  const value = (name: K): string | undefined => fields[name];
  return {
    problems,
    value,
    /** The value, with a problem when it is shorter than MIN_SECRET (never the value itself in the problem). */
    secret(name: K): string | undefined {
      const given = value(name);
      if (given !== undefined && given.length < MIN_SECRET)
        problems.push(`${name}: must be at least ${MIN_SECRET} characters`);
      return given;
    },
    /** A whole number from 0 (off) to `max`; unset or invalid gives `fallback` (invalid also a problem). */
    wholeNumber(name: K, fallback: number, max: number): number {
      const text = value(name);
      const number = text === undefined ? fallback : Number(text);
      if (Number.isInteger(number) && number >= 0 && number <= max) return number;
      problems.push(`${name}: expected a whole number from 0 (off) to ${max}`);
      return fallback;
    },
  };
}
