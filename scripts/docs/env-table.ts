/**
 * The one table of environment variables (docs/reference/configuration.md), generated from the zod schemas
 * that parse them: the names and defaults come from the schemas themselves, the words from each field's
 * `.meta({ description, secret?, default? })`. A variable the hub reads with no description fails the test
 * that keeps the page in sync, so a new setting cannot go undocumented.
 */

export interface EnvMeta {
  description?: string;
  /** Redacted from logs, pages and read-backs. */
  secret?: boolean;
  /** The default as words, when the parsed default does not say it (`./data`, "embedded"). */
  default?: string;
}

export interface EnvGroup {
  title: string;
  /** A sentence or two under the heading. */
  intro?: string;
  /** A zod object schema (possibly under transforms or pipes) whose keys are environment variable names. */
  schema?: unknown;
  /** The schema's variables shown in this group, in this order; all of them when absent. */
  keys?: readonly string[];
  /** Words under the table. */
  outro?: string;
}

/** A variable read by pattern rather than by name (`SCHEDULE_<ID>`), documented by hand beside the groups. */
export interface EnvPattern {
  name: string;
  /** The names the pattern stands for: the hub reads no name matching none of the table and patterns. */
  matches: RegExp;
  default: string;
  description: string;
}

interface ZodLike {
  shape?: Record<string, unknown>;
  meta?: () => EnvMeta | undefined;
  safeParse?: (value: unknown) => { success: boolean; data?: unknown };
  _zod?: { def?: { in?: unknown; innerType?: unknown; schema?: unknown } };
}

/** The object under a schema's transforms and pipes: its shape's keys are the variables. */
export function envShape(schema: unknown): Record<string, unknown> {
  const node = schema as ZodLike | undefined;
  if (!node) return {};
  if (node.shape && typeof node.shape === 'object') return node.shape;
  const def = node._zod?.def;
  return envShape(def?.in ?? def?.innerType ?? def?.schema);
}

export interface EnvRow {
  name: string;
  default: string;
  secret: boolean;
  description: string | undefined;
}

/** Each variable of a group with its default (parsed from "unset") and its words. */
export function envRows(schema: unknown, keys?: readonly string[]): EnvRow[] {
  const shape = envShape(schema);
  const entries = keys ? keys.map((key) => [key, shape[key]] as const) : Object.entries(shape);
  return entries.map(([name, field]) => {
    if (field === undefined) throw new Error(`${name} is not a variable of its group's schema`);
    const node = field as ZodLike;
    const meta = node.meta?.() ?? {};
    return {
      name,
      default: meta.default ?? describeDefault(node.safeParse?.(undefined)),
      secret: meta.secret ?? false,
      description: meta.description,
    };
  });
}

function describeDefault(parsed: { success: boolean; data?: unknown } | undefined): string {
  if (!parsed?.success || parsed.data === undefined || parsed.data === null) return '(unset)';
  const value = parsed.data;
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : `\`${value.join(',')}\``;
  if (typeof value === 'string' && value === '') return '(empty)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `\`${text}\``;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export interface ConfigurationPage {
  preface: string;
  groups: EnvGroup[];
  patterns: EnvPattern[];
  /** Words placed after the pattern table. */
  postscript?: string;
}

export function renderConfiguration(options: ConfigurationPage): string {
  const lines = [options.preface.trim(), ''];
  for (const group of options.groups) {
    const rows = group.schema === undefined ? [] : envRows(group.schema, group.keys);
    if (rows.length === 0 && !group.intro) continue;
    lines.push(`## ${group.title}`, '');
    if (group.intro) lines.push(group.intro.trim(), '');
    if (rows.length > 0) {
      lines.push('| name | default | meaning |', '|---|---|---|');
      for (const row of rows) {
        const secret = row.secret ? '*Secret.* ' : '';
        lines.push(`| \`${row.name}\` | ${cell(row.default)} | ${secret}${cell(row.description ?? '')} |`);
      }
      lines.push('');
    }
    if (group.outro) lines.push(group.outro.trim(), '');
  }
  if (options.patterns.length > 0) {
    lines.push('## Variables named by pattern', '');
    lines.push('| name | default | meaning |', '|---|---|---|');
    for (const pattern of options.patterns)
      lines.push(`| \`${pattern.name}\` | ${cell(pattern.default)} | ${cell(pattern.description)} |`);
    lines.push('');
  }
  if (options.postscript) lines.push(options.postscript.trim(), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Every variable the page shows, by name. */
export function documentedNames(groups: EnvGroup[]): string[] {
  return groups.flatMap((group) =>
    group.schema === undefined ? [] : envRows(group.schema, group.keys).map((row) => row.name),
  );
}

/** Variables the hub reads with no words in their schema: each must get a `.meta({ description })`. */
export function undocumented(groups: EnvGroup[]): string[] {
  return groups.flatMap((group) =>
    envRows(group.schema, group.keys)
      .filter((row) => !row.description?.trim())
      .map((row) => `${group.title}: ${row.name}`),
  );
}
