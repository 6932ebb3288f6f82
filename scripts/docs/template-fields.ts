import { TEMPLATE_KINDS, type TemplateKind } from '../../src/notify/templates.js';
import { SAMPLE_ERROR, SAMPLE_EVENT_ID, SAMPLE_HUB_URL, SAMPLES } from './template-samples.js';
import { interfaceMembers, type MemberDoc } from './ts-docs.js';

/**
 * docs/reference/template-fields.md: every variable a template of each kind sees, its type, words and an
 * example. The payload's fields come from the interfaces that type the events (their comments are the words),
 * the rest from what renderTemplate adds (`TemplateEvent`, `TemplateExtras`); examples from the samples.
 */
export interface TemplateField {
  path: string;
  type: string;
  doc: string;
  example: unknown;
}

const PAYLOADS: Record<TemplateKind, { file: string; name: string }> = {
  deployment: { file: 'src/events/payloads.ts', name: 'Deployment' },
  removal: { file: 'src/events/payloads.ts', name: 'Deployment' },
  error: { file: 'src/events/payloads.ts', name: 'ErrorReport' },
  recommendation: { file: 'src/events/payloads.ts', name: 'Recommendation' },
  alert: { file: 'src/events/types.ts', name: 'InspectionTransition' },
  weekly: { file: 'src/events/types.ts', name: 'InsightsWeekly' },
};

/** Interfaces whose members a nested value is documented by, when its type names one. */
const PARTS: Record<string, MemberDoc[]> = {
  WeekFigures: interfaceMembers('src/events/types.ts', 'WeekFigures').members,
};

// A storm's follow-up is the error whose example shows every field.
const EXAMPLES: Record<TemplateKind, { payload: unknown; team?: unknown }> = {
  ...SAMPLES,
  error: { payload: { ...SAMPLE_ERROR, repeats: { count: 4, firstEventId: SAMPLE_EVENT_ID, windowSeconds: 300 } } },
};

// `current` and `previous` are a week's figures wherever they appear (overall, a team's).
const WEEK = new Set(['current', 'previous']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const typeOfValue = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? `${value.length > 0 ? typeOfValue(value[0]) : 'unknown'}[]`
      : typeof value;

/** A value's fields below `path`: an object's by name, the entries of a list of objects as `path[].name`. */
function nested(path: string, type: string, doc: string, value: unknown): TemplateField[] {
  const part = PARTS[type.replace(/ \| null$/, '')];
  const entry = Array.isArray(value) && isObject(value[0]) ? value[0] : null;
  const fields = isObject(value) ? value : entry;
  if (!fields) return [];
  const prefix = entry ? `${path}[]` : path;
  return Object.entries(fields).flatMap(([name, child]) => {
    const known = part?.find((member) => member.name === name);
    const childType = known?.type ?? (WEEK.has(name) ? 'WeekFigures' : typeOfValue(child));
    // A part with no words of its own is read with its parent's (only the parent's: chains say nothing more).
    const childDoc = known?.doc || `In \`${path}\`${entry ? ' (each entry)' : ''}: ${doc}`;
    return [
      { path: `${prefix}.${name}`, type: childType, doc: childDoc, example: child },
      ...nested(`${prefix}.${name}`, childType, doc, child),
    ];
  });
}

const extras = interfaceMembers('src/notify/templates.ts', 'TemplateExtras').members;
const extraDoc = (name: string) => extras.find((member) => member.name === name)?.doc ?? '';

/** Every variable a template of `kind` sees, in the order a reader wants them: the payload's, then the hub's. */
export function templateFields(kind: TemplateKind): TemplateField[] {
  const example = EXAMPLES[kind];
  const payload = example.payload as Record<string, unknown>;
  const fields = interfaceMembers(PAYLOADS[kind].file, PAYLOADS[kind].name).members.flatMap((member) => {
    const type = member.optional ? `${member.type} (absent unless set)` : member.type;
    return [
      { path: member.name, type, doc: member.doc, example: payload[member.name] },
      ...nested(member.name, member.type, member.doc, payload[member.name]),
    ];
  });
  const event = interfaceMembers('src/notify/templates.ts', 'TemplateEvent').members.map((member) => ({
    path: `event.${member.name}`,
    type: member.type,
    doc: member.doc,
    example: {
      id: SAMPLE_EVENT_ID,
      type: SAMPLES[kind].type,
      link: `${SAMPLE_HUB_URL}/api/v1/events/${SAMPLE_EVENT_ID}`,
    }[member.name],
  }));
  const team =
    kind === 'weekly'
      ? [
          {
            path: 'team',
            type: 'object (absent in the overall summary)',
            doc: extraDoc('team'),
            example: example.team,
          },
          ...nested('team', 'object', extraDoc('team'), example.team),
        ]
      : [];
  return [
    ...fields,
    ...team,
    ...event,
    { path: 'hub.url', type: 'string', doc: extraDoc('hubUrl'), example: SAMPLE_HUB_URL },
  ];
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function exampleText(value: unknown): string {
  if (value === undefined) return '';
  const json = JSON.stringify(value);
  return `\`${cell(json.length > 60 ? `${json.slice(0, 57)}…` : json)}\``;
}

const KIND_WORDS: Record<TemplateKind, string> = {
  deployment: 'A deployment (`deployment` event, not a removal).',
  removal: 'A removal (`deployment` event with `removal` true): the same fields as a deployment.',
  error: 'An error report (`error` event), a storm follow-up included.',
  recommendation: 'A recommendation (`recommendation` event).',
  alert:
    "An alert raised (`inspection` event with `transition` `alert`); escalations and recoveries reply in its thread in the provider's own words.",
  weekly: "The weekly delivery insights (`insights.weekly` event): the overall summary, or a team's (with `team`).",
};

export function renderTemplateFieldsPage(): string {
  const lines = [
    '# Template fields',
    '',
    '<!-- Generated by `npm run docs` from the interfaces that type the events (src/events/) and what',
    '     renderTemplate adds (src/notify/templates.ts); examples from scripts/docs/template-samples.ts. Edit the',
    '     words there, not here: a test fails when this page differs from what the script writes. -->',
    '',
    'What a message template ([Write a message template](../guides/write-a-template.md)) can name, per kind:',
    "the payload's fields at the top level (`{{ applicationName }}`), nested ones by path",
    "(`{{ repeats.count }}`, a list's entries in a `for` loop: `{% for t in teams %}{{ t.team }}{% endfor %}`),",
    "and what the hub adds: `event` and `hub`, and `team` in a team's weekly summary. Every string of the",
    "payload (and of `team`) arrives escaped for the provider's format; `event` and `hub` are the hub's own.",
    "Empty text and 0 count as false in `{% if %}`, as in the built-in words. Beside Liquid's standard filters:",
    '`{{ ms | duration }}` ("1 h 30 min"; `duration: "rounded"`: "90 min") and `{{ rate | percent }}` ("25 %");',
    'both say "n/a" for null.',
    '',
  ];
  for (const kind of TEMPLATE_KINDS) {
    lines.push(
      `## \`${kind}\``,
      '',
      KIND_WORDS[kind],
      '',
      '| variable | type | meaning | example |',
      '|---|---|---|---|',
      ...templateFields(kind).map(
        (field) =>
          `| \`${field.path}\` | \`${cell(field.type)}\` | ${cell(field.doc)} | ${exampleText(field.example)} |`,
      ),
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
