import { z } from 'zod';
import { storableIsoTime } from '../../util/input-rules.js';

/**
 * CDEvents, written from the specification's JSON schemas of spec v0.4 (`context.version`, a `subject.type`
 * naming the subject) and v0.5 (`context.specversion`, no `subject.type`; pipeline and task runs link with
 * `uri` where v0.4 had `url`). Fields, types and required fields as the spec has them; a field the spec does not
 * name is not refused (a later 0.x type version may add some): it stays in the event's raw body.
 *
 * A type is `dev.cdevents.<subject>.<predicate>.<version>`; every 0.x version of a type is read with its
 * schema (`dev.cdevents.service.deployed.0.1.1`, `.0.2.0`, `.0.3.0`).
 */
export const TYPE_PATTERN = /^dev\.cdevents\.([a-z]+)\.([a-z]+)\.(0\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

const text = () => z.string().min(1, 'required');
const reference = z.object({ id: text(), source: text().optional() });

const link = z.looseObject({ linkType: z.enum(['RELATION', 'PATH', 'END']) });

/** The context of every CDEvent. Exactly one of `version` (v0.4 and before) and `specversion` (v0.5). */
export const contextSchema = z
  .object({
    version: text().optional(),
    specversion: text().optional(),
    id: text(),
    source: text(),
    type: z.string().regex(TYPE_PATTERN, 'expected dev.cdevents.<subject>.<predicate>.0.<minor>.<patch>'),
    timestamp: storableIsoTime('expected an RFC 3339 time'),
    schemaUri: text().optional(),
    chainId: text().optional(),
    links: z.array(link).optional(),
  })
  .check((context) => {
    const { version, specversion } = context.value;
    if (version === undefined && specversion === undefined)
      context.issues.push({ code: 'custom', path: ['specversion'], message: 'required', input: context.value });
    else if (version !== undefined && specversion !== undefined)
      context.issues.push({
        code: 'custom',
        path: ['version'],
        message: 'send specversion (v0.5) or version (v0.4), not both',
        input: context.value,
      });
    const declared = specversion ?? version;
    if (declared !== undefined && !/^0\.\d+\.\d+/.test(declared))
      context.issues.push({
        code: 'custom',
        path: [specversion !== undefined ? 'specversion' : 'version'],
        message: `unsupported CDEvents spec version ${JSON.stringify(declared)}; this hub reads 0.x (v0.4, v0.5)`,
        input: context.value,
      });
  });

export type CdEventContext = z.output<typeof contextSchema>;

const serviceContent = z.object({ environment: reference, artifactId: text() });
const removedContent = z.object({ environment: reference });
const outcome = z.string();
const outcomeV05 = z.enum(['success', 'failure', 'cancel', 'error']);
const pipelineRunV04 = z.object({
  pipelineName: z.string().optional(),
  url: z.string().optional(),
  outcome: outcome.optional(),
  errors: z.string().optional(),
});
const pipelineRunV05 = z.object({
  pipelineName: z.string().optional(),
  uri: z.url().optional(),
  outcome: outcomeV05.optional(),
  errors: z.string().optional(),
});
const taskRunV04 = z.object({
  taskName: z.string().optional(),
  url: z.string().optional(),
  pipelineRun: reference.optional(),
  outcome: outcome.optional(),
  errors: z.string().optional(),
});
const taskRunV05 = z.object({
  taskName: z.string().optional(),
  uri: z.url().optional(),
  pipelineRun: reference.optional(),
  outcome: outcome.optional(),
  errors: z.string().optional(),
});
const incidentContent = z.object({
  description: z.string().optional(),
  environment: reference,
  service: reference.optional(),
  artifactId: text().optional(),
});

/** The subject content of each type the hub reads, by `<subject>.<predicate>`, for v0.4 and v0.5. */
const CONTENT: Record<string, { v04: z.ZodType; v05: z.ZodType; subjectType: string }> = {
  'service.deployed': { v04: serviceContent, v05: serviceContent, subjectType: 'service' },
  'service.upgraded': { v04: serviceContent, v05: serviceContent, subjectType: 'service' },
  'service.rolledback': { v04: serviceContent, v05: serviceContent, subjectType: 'service' },
  'service.removed': { v04: removedContent, v05: removedContent, subjectType: 'service' },
  'pipelinerun.finished': { v04: pipelineRunV04, v05: pipelineRunV05, subjectType: 'pipelineRun' },
  'taskrun.finished': { v04: taskRunV04, v05: taskRunV05, subjectType: 'taskRun' },
  'incident.detected': { v04: incidentContent, v05: incidentContent, subjectType: 'incident' },
  'incident.resolved': { v04: incidentContent, v05: incidentContent, subjectType: 'incident' },
  'incident.reported': {
    v04: incidentContent.extend({ ticketURI: z.url() }),
    v05: incidentContent.extend({ ticketURI: z.url() }),
    subjectType: 'incident',
  },
};

/** The types the hub has a schema for (its subject content); others are read by their context alone. */
export function knownType(kind: string): boolean {
  return kind in CONTENT;
}

/**
 * The schema of a whole CDEvent of `kind` (`service.deployed`) in the layout of its spec version: v0.4 wants
 * `subject.type` naming the subject, v0.5 has none. Unknown kinds get a subject of any content.
 */
export function cdeventSchema(kind: string, layout: 'v04' | 'v05') {
  const known = CONTENT[kind];
  const subjectType =
    layout === 'v04' && known ? z.literal(known.subjectType, `expected "${known.subjectType}"`) : z.string().optional();
  return z.object({
    context: contextSchema,
    subject: z.object({
      id: text(),
      source: text().optional(),
      type: subjectType,
      content: known ? (layout === 'v04' ? known.v04 : known.v05) : z.unknown(),
    }),
    customData: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
    customDataContentType: z.string().optional(),
  });
}

export type CdEvent = {
  context: CdEventContext;
  subject: { id: string; source?: string; type?: string; content: unknown };
  customData?: Record<string, unknown> | string;
  customDataContentType?: string;
};
