import { z } from 'zod';
import { cleanDisplayText, fitText, identifierProblem } from '../util/text.js';
import { attributeText } from './original-text.js';

/**
 * The ingest contract, with the field names Aspen sends. Aspen sends `null` for every absent value, so
 * every optional field accepts null. Lengths are bounded so a hostile body cannot make us store or
 * forward megabytes of text through one field.
 */
const LIMITS = { name: 256, text: 2_000, url: 2_048, message: 10_000, stackTrace: 65_536, list: 4_000 } as const;

/**
 * Identifiers (names, clusters, channels, versions, URLs) are compared, filtered by and linked to: one
 * holding a NUL, a control character or an unpaired surrogate is refused (400 naming the field), since
 * changing it would make it name something else. Display text (messages, stack traces, descriptions,
 * public names) is cleaned instead: what is lost there is noise, and the report still gets through.
 */
const identifier = () =>
  z.string().check((context) => {
    const problem = identifierProblem(context.value.trim());
    if (problem) context.issues.push({ code: 'custom', message: problem, input: context.value });
  });
/**
 * Display text is cut to its limit (the cut marked), never refused for its length: Aspen's error messages
 * carry docker's output, which has no bound. The event's raw body keeps the whole text. A stack trace keeps
 * its end, where the exception is.
 */
const displayText = (max: number, keep: 'start' | 'end' = 'start') =>
  z.string().overwrite((value) => fitText(cleanDisplayText(value), max, keep));

const optionalText = (max: number) => identifier().max(max).nullish();
const optionalDisplay = (max: number, keep: 'start' | 'end' = 'start') => displayText(max, keep).nullish();

/**
 * What Aspen sends (modules/steps/parse_replicas.py): the stack file's count, a number or, quoted there, a
 * string; "global" for a global-mode service; or whatever else the file holds (its own test data sends
 * "replicas"). A whole number, in a string or not, is a count (empty text counts 0, as the original's getter
 * read it); any other text is kept as sent, quotes and surrounding space dropped, and means a running service.
 */
const replicasField = z
  .union([
    z.number().int('expected a whole number').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER),
    identifier()
      .max(LIMITS.name)
      .transform((value): number | string => {
        const text = attributeText(value);
        if (text === '') return 0;
        const count = /^\d+$/.test(text) ? Number(text) : NaN;
        return Number.isSafeInteger(count) ? count : text;
      }),
  ])
  .nullish();

/** Unix seconds with an optional fraction, as a string ("1763800000.123456") or a number. Empty means unknown. */
const createdField = z
  .union([z.number().nonnegative(), z.string().trim().max(32)])
  .nullish()
  .refine((value) => value === null || value === undefined || value === '' || /^\d+(\.\d+)?$/.test(String(value)), {
    message: 'expected Unix seconds, e.g. "1763800000.123456"',
  })
  .transform((value) => (value === null || value === undefined || value === '' ? null : String(value)));

/** Values that switch a flag off. The original ran Lighthouse for any non-empty text, "false" included. */
const OFF_WORDS = new Set(['false', 'no', '0', 'off']);

/**
 * A label's text (any non-empty value is on, as in the original, except an off word) or a boolean. Only the
 * flag is kept, so the text need not be an identifier.
 */
const flagField = z
  .union([z.boolean(), z.string().max(LIMITS.name)])
  .nullish()
  .transform((value) => {
    if (typeof value !== 'string') return value ?? false;
    const text = attributeText(value);
    return text !== '' && !OFF_WORDS.has(text.toLowerCase());
  });

/** A comma-separated list, or an array of strings. */
const listField = (maxItem: number) =>
  z.union([identifier().max(LIMITS.list), z.array(identifier().max(maxItem)).max(100)]).nullish();

export const deploymentSchema = z.object({
  applicationName: identifier()
    .max(LIMITS.name)
    .refine((value) => attributeText(value) !== '', 'required'),
  cluster: optionalText(LIMITS.name),
  replicas: replicasField,
  version: optionalText(LIMITS.name),
  imageName: optionalText(LIMITS.name),
  applicationPath: optionalText(LIMITS.url),
  created: createdField,
  slackChannels: listField(LIMITS.name),
  team: optionalText(LIMITS.name),
  publicNameSwedish: optionalDisplay(LIMITS.name),
  publicNameEnglish: optionalDisplay(LIMITS.name),
  descriptionSwedish: optionalDisplay(LIMITS.text),
  descriptionEnglish: optionalDisplay(LIMITS.text),
  importance: optionalText(LIMITS.name),
  detectifyProfileTokens: listField(LIMITS.name),
  applicationUrl: optionalText(LIMITS.url),
  monitorUrl: optionalText(LIMITS.url),
  aboutUrl: optionalText(LIMITS.url),
  monitorPattern: optionalText(LIMITS.text),
  testAccessibility: flagField,
  accessibilityUrls: listField(LIMITS.url),
  publicUserDocumentationUrl: optionalText(LIMITS.url),
  privateOperationsDocumentationUrl: optionalText(LIMITS.url),
  /** Not Aspen's: who deployed (GitHub's and GitLab's adapters fill it; any pipeline may send it). */
  deployedBy: optionalText(LIMITS.name),
});

export const errorSchema = z.object({
  message: displayText(LIMITS.message).trim().min(1, 'required'),
  slackChannels: listField(LIMITS.name),
  stackTrace: optionalDisplay(LIMITS.stackTrace, 'end'),
  applicationName: optionalText(LIMITS.name),
  cluster: optionalText(LIMITS.name),
  /** Not Aspen's: the failed run's log (the adapters fill it from the CI job's or pipeline run's URL). */
  logUrl: optionalText(LIMITS.url),
});

export const recommendationSchema = z.object({
  message: displayText(LIMITS.message).trim().min(1, 'required'),
  slackChannels: listField(LIMITS.name),
  applicationName: optionalText(LIMITS.name),
  team: optionalText(LIMITS.name),
});

export type DeploymentInput = z.output<typeof deploymentSchema>;
export type ErrorInput = z.output<typeof errorSchema>;
export type RecommendationInput = z.output<typeof recommendationSchema>;

export const INGEST_SCHEMAS = {
  deployment: deploymentSchema,
  error: errorSchema,
  recommendation: recommendationSchema,
} as const;

export type IngestType = keyof typeof INGEST_SCHEMAS;
export const INGEST_TYPES = Object.keys(INGEST_SCHEMAS) as IngestType[];

/** JSON Schema of what a pipeline may send (the input side of each zod schema). */
export function ingestJsonSchema(type: IngestType): unknown {
  return z.toJSONSchema(INGEST_SCHEMAS[type], { io: 'input', unrepresentable: 'any' });
}
