import { z } from 'zod';
import { cleanDisplayText, identifierProblem } from '../util/text.js';

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
const displayText = () => z.string().overwrite(cleanDisplayText);

const optionalText = (max: number) => identifier().max(max).nullish();
const optionalDisplay = (max: number) => displayText().max(max).nullish();

/** A number, or a string holding one (some pipelines template every value as a string). */
const replicasField = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d+$/, 'expected a whole number')
      .transform((value) => Number.parseInt(value, 10)),
  ])
  .pipe(z.number().int('expected a whole number').min(0, 'must not be negative').max(10_000))
  .nullish();

/** Unix seconds with an optional fraction, as a string ("1763800000.123456") or a number. Empty means unknown. */
const createdField = z
  .union([z.number().nonnegative(), z.string().trim().max(32)])
  .nullish()
  .refine((value) => value === null || value === undefined || value === '' || /^\d+(\.\d+)?$/.test(String(value)), {
    message: 'expected Unix seconds, e.g. "1763800000.123456"',
  })
  .transform((value) => (value === null || value === undefined || value === '' ? null : String(value)));

/** "true"/"false" strings are what Aspen's templated env gives; booleans are accepted too. */
const flagField = z
  .union([z.boolean(), z.string().trim().max(16)])
  .nullish()
  .transform((value) =>
    typeof value === 'string' ? ['true', '1', 'yes', 'on'].includes(value.toLowerCase()) : (value ?? false),
  );

/** A comma-separated list, or an array of strings. */
const listField = (maxItem: number) =>
  z.union([identifier().max(LIMITS.list), z.array(identifier().max(maxItem)).max(100)]).nullish();

export const deploymentSchema = z.object({
  applicationName: identifier().trim().min(1, 'required').max(LIMITS.name),
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
  message: displayText().trim().min(1, 'required').max(LIMITS.message),
  slackChannels: listField(LIMITS.name),
  stackTrace: optionalDisplay(LIMITS.stackTrace),
  applicationName: optionalText(LIMITS.name),
  cluster: optionalText(LIMITS.name),
  /** Not Aspen's: the failed run's log (the adapters fill it from the CI job's or pipeline run's URL). */
  logUrl: optionalText(LIMITS.url),
});

export const recommendationSchema = z.object({
  message: displayText().trim().min(1, 'required').max(LIMITS.message),
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
