import { z } from 'zod';
import { validationError } from '../errors.js';
import { CHECK_STATUSES } from '../events/alert-state.js';
import type { CheckStatus } from '../events/types.js';
import { MAX_MESSAGE_BYTES } from './inspection-runner.js';
import { storableRecord, storableText } from '../util/input-rules.js';

/** The bodies of the external checks' reporting API: a check's settings, a run's start, result, errors. */
const withinBytes = (max: number) => (text: string) => Buffer.byteLength(text) <= max;
const message = storableText().refine(withinBytes(MAX_MESSAGE_BYTES), { message: 'at most 64 KiB' });
const dimensions = storableRecord(
  storableText().max(200),
  storableText().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,49}$/, 'dimension names: letters, digits, _ . -'),
).refine((value) => Object.keys(value).length <= 10, { message: 'at most 10 dimensions' });
const runFields = {
  runId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits and . _ : - (at most 100)')
    .optional(),
  target: storableText().min(1).max(500).optional(),
  dimensions: dimensions.optional(),
};
const resultFields = {
  status: z.enum(CHECK_STATUSES as [CheckStatus, ...CheckStatus[]]),
  score: z.number().finite().optional(),
  message: message.optional(),
  error: storableText().min(1).max(4000).optional(),
};

const SETTINGS = z.strictObject({
  description: storableText().max(2000).nullable().optional(),
  slackChannels: z
    .union([storableText(), z.array(storableText())])
    .nullable()
    .optional(),
  maxRuntimeSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .optional(),
  expectEverySeconds: z
    .number()
    .int()
    .min(10)
    .max(90 * 86_400)
    .nullable()
    .optional(),
  rotateToken: z.boolean().optional(),
});
const START = z.strictObject(runFields);
const RESULT = z.strictObject(resultFields);
const ERROR = z.strictObject({ error: storableText().min(1).max(4000), detail: message.optional() });
const ONE_SHOT = z.strictObject({ ...runFields, ...resultFields });

/** The reporting API's bodies, for the OpenAPI document (validated here, with unknown fields named). */
export const CHECK_BODIES = {
  settings: SETTINGS,
  start: START,
  result: RESULT,
  error: ERROR,
  oneShot: ONE_SHOT,
} as const;

/** A reporting API body, parsed; an unknown field is refused by name. */
export function parseCheckBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  // An unknown field is named as itself, not as the whole body.
  const issues = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown field' }))
      : [issue],
  );
  throw validationError({ issues }, what);
}
