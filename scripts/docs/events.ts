import { INGEST_TYPES, ingestJsonSchema, type IngestType } from '../../src/events/schemas.js';
import { EVENT_TYPES, type EventType } from '../../src/events/types.js';
import { interfaceMembers, type MemberDoc } from './ts-docs.js';

/**
 * docs/reference/events.md: the events on the bus and their payloads. What a pipeline may send comes from the
 * ingest zod schemas (as JSON Schema); what modules receive, the envelope and the stream's items come from the
 * TypeScript interfaces that type them, with the comments written beside their fields.
 */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** Where each payload interface is declared, and where the event comes from. */
const PAYLOADS: Record<EventType, { file: string; name: string; from: string }> = {
  deployment: {
    file: 'src/events/payloads.ts',
    name: 'Deployment',
    from: '`PUT`/`POST /api/v1/deployment` (Aspen); CDEvents `service.deployed`, `upgraded`, `rolledback`, `removed`; GitHub `deployment_status` success; GitLab deployment `success`',
  },
  error: {
    file: 'src/events/payloads.ts',
    name: 'ErrorReport',
    from: '`PUT`/`POST /api/v1/error`; CDEvents failed `pipelinerun`/`taskrun`; GitHub `deployment_status` failure or error; GitLab deployment `failed`; the end of an error storm (with `repeats`)',
  },
  recommendation: {
    file: 'src/events/payloads.ts',
    name: 'Recommendation',
    from: '`PUT`/`POST /api/v1/recommendation`',
  },
  'check.finished': {
    file: 'src/events/types.ts',
    name: 'CheckFinished',
    from: "the delivery engine, when a module's delivery of an ingested event ends with a summary or goes dead",
  },
  inspection: {
    file: 'src/events/types.ts',
    name: 'InspectionTransition',
    from: "an inspection's or external check's key changing its alert state",
  },
  'insights.weekly': {
    file: 'src/events/types.ts',
    name: 'InsightsWeekly',
    from: "the core's weekly schedule (`core.insights-weekly`)",
  },
  'silence.ended': {
    file: 'src/events/types.ts',
    name: 'SilenceEnded',
    from: 'the core, when a silence or maintenance window closes while something it held is still failing: a check in alert, an application not deployed since its held errors (`core.silence-summaries`)',
  },
  cdevent: {
    file: 'src/events/types.ts',
    name: 'StoredCdEvent',
    from: '`POST /api/v1/cdevents`, a CDEvent of a type that is neither a deployment nor an error: stored, routed to no module',
  },
};

/** Types a payload's fields refer to, documented after the payloads. */
const PARTS: Array<{ file: string; name: string }> = [
  { file: 'src/events/types.ts', name: 'CheckResult' },
  { file: 'src/events/types.ts', name: 'StillFailing' },
  { file: 'src/events/types.ts', name: 'StillErroring' },
  { file: 'src/errors.ts', name: 'DeliveryErrorInfo' },
  { file: 'src/events/types.ts', name: 'WeekFigures' },
];

const STREAM: string[] = ['EventAccepted', 'DeliveryChanged', 'RunChanged', 'TransitionHappened', 'ModuleChanged'];

function memberTable(members: MemberDoc[]): string[] {
  return [
    '| field | type | meaning |',
    '|---|---|---|',
    ...members.map(
      (member) =>
        `| \`${member.name}\`${member.optional ? ' (optional)' : ''} | \`${cell(member.type)}\` | ${cell(member.doc)} |`,
    ),
  ];
}

/** Type parameters as a reader knows them: the envelope is `HubEvent<T extends EventType>`. */
const READABLE_TYPES: Record<string, string> = { T: 'EventType', 'EventMap[T]': 'object' };

function interfaceSection(level: string, title: string, file: string, name: string): string[] {
  const { doc, members: written } = interfaceMembers(file, name);
  const members = written.map((member) => ({ ...member, type: READABLE_TYPES[member.type] ?? member.type }));
  return [`${level} ${title}`, '', ...(doc ? [doc, ''] : []), ...memberTable(members), ''];
}

interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  maxLength?: number;
  maxItems?: number;
  minLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** `string (at most 256)`, `string[] (at most 100)`, `integer`, `null`: the accepted shapes of one field. */
function shapes(schema: JsonSchema): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap(shapes);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['any'];
  return types.map((type) => {
    if (type === 'array') {
      const item = schema.items ? shapes(schema.items).join(' | ') : 'any';
      return `${item.split(' (')[0]}[]${schema.maxItems !== undefined ? ` (at most ${schema.maxItems})` : ''}`;
    }
    if (type === 'string' && schema.maxLength !== undefined) return `string (at most ${schema.maxLength})`;
    return type;
  });
}

function inputSection(type: IngestType): string[] {
  const schema = ingestJsonSchema(type) as JsonSchema;
  const required = new Set(schema.required ?? []);
  return [
    `### The \`${type}\` body`,
    '',
    '| field | accepted | required |',
    '|---|---|---|',
    ...Object.entries(schema.properties ?? {}).map(
      ([name, field]) =>
        `| \`${name}\` | ${cell([...new Set(shapes(field))].join(', '))} | ${required.has(name) ? 'yes' : ''} |`,
    ),
    '',
  ];
}

/** Event types whose payload interface has a field with no words beside it. */
export function undocumentedPayloadFields(): string[] {
  return EVENT_TYPES.flatMap((type) =>
    interfaceMembers(PAYLOADS[type].file, PAYLOADS[type].name)
      .members.filter((member) => member.doc === '')
      .map((member) => `${type}.${member.name}`),
  );
}

export function renderEventsPage(): string {
  const lines = [
    '# Events and their payloads',
    '',
    '<!-- Generated by `npm run docs` from the ingest schemas (src/events/schemas.ts) and the interfaces that type',
    '     the events (src/events/, src/stream/hub-stream.ts). Edit the words there, not here: a test fails when',
    '     this page differs from what the script writes. -->',
    '',
    'Everything that happens reaches the modules as an event on the bus: stored first, then delivered to each',
    'module that handles its type (see [Delivery](delivery.md)). Events that the hub derives (a check that',
    'finished, an alert, the weekly summary) enter through the same door as ingested ones, so any module may',
    'subscribe to them. `GET /api/v1/events/:id` answers an event with its deliveries; the webhook module POSTs',
    'the envelope below.',
    '',
    ...interfaceSection('##', 'The envelope', 'src/events/types.ts', 'HubEvent'),
    '## The event types',
    '',
    '| type | payload | comes from |',
    '|---|---|---|',
    ...EVENT_TYPES.map(
      (type) =>
        `| \`${type}\` | [${PAYLOADS[type].name}](#${PAYLOADS[type].name.toLowerCase()}) | ${PAYLOADS[type].from} |`,
    ),
    '',
    '## What a pipeline sends',
    '',
    'The bodies of `PUT`/`POST /api/v1/deployment`, `/error` and `/recommendation`, in the field names Aspen',
    'sends; every optional field also takes `null`. `GET /api/v1/schemas/{deployment,error,recommendation}`',
    'answers the same as JSON Schema. Display text (messages, stack traces, descriptions, public names) longer',
    'than its limit is cut, never refused; any other field past its limit is a 400 naming the field. Lists take',
    'a comma-separated string or an array. How each deployment field becomes the one modules receive:',
    '[Enrichment](enrichment.md). CDEvents, GitHub and GitLab are read into the same fields: see',
    '[Connect your pipeline](../guides/connect-your-pipeline.md).',
    '',
    ...INGEST_TYPES.flatMap(inputSection),
    '## What modules receive',
    '',
    'The payloads after validation and enrichment: a module never validates them again.',
    '',
    ...EVENT_TYPES.flatMap((type) =>
      interfaceSection('###', PAYLOADS[type].name, PAYLOADS[type].file, PAYLOADS[type].name),
    ),
    '### Parts of payloads',
    '',
    ...PARTS.flatMap((part) => interfaceSection('####', part.name, part.file, part.name)),
    '## The stream',
    '',
    '`GET /api/v1/stream` sends what happens on every replica as server-sent events, each named by its `kind`',
    'and carrying an `id:` from PostgreSQL; a reconnect with `Last-Event-ID` (or `?lastEventId=`) gets what it',
    'missed. A stream opened with no id starts with a `ready` event carrying the current id; `gap` says that',
    'items were lost and the client should read the current state again. The items:',
    '',
    ...STREAM.flatMap((name) => interfaceSection('###', name, 'src/stream/hub-stream.ts', name)),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
