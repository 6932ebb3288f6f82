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
