import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { AnyModuleDefinition } from '../module-system/contract.js';
import { configDocumentSchema, type ConfigDocument } from './document.js';
import { isPlainMap, mergeSources } from './merge.js';
import { describePlace, type ConfigProblem } from './problems.js';
import { resolveReferences, type PathIssue } from './references.js';
import { isSecretValue } from './secret-fields.js';
import { checkMeaning, type KnownInspection } from './semantics.js';
import { parseSource, placeOf, type SourceFile } from './yaml-source.js';

export type { ConfigProblem };

export interface LoadedConfig {
  document: ConfigDocument;
  /** sha256 hex of the merged document (keys sorted, references resolved): equal files give equal hashes. */
  hash: string;
  files: string[];
  /** where a value came from an env reference: JSON pointer-ish path like 'targets.slack-ops.settings.token' → 'SLACK_OPS_TOKEN' */
  references: Record<string, string>;
}

export type LoadResult = { ok: true; config: LoadedConfig } | { ok: false; problems: ConfigProblem[] };

export interface LoadOptions {
  /**
   * Target names the hub has besides the file's own (the hub's live list). Unset: the provider modules' names
   * from `modules`; with neither, a route's target is not checked.
   */
  knownTargets?: readonly string[];
  /** The module list (modules/index.ts): known modules and providers, and which of their settings are secret. */
  modules?: readonly AnyModuleDefinition[];
  /**
   * The hub's inspections by id (`endpoints.health`): parameters are checked by their schemas and declared
   * secrets refuse literals. Unset (the CLI, which runs no module): parameters are taken as written.
   */
  inspections?: Readonly<Record<string, KnownInspection>>;
}

const YAML_FILE = /\.ya?ml$/i;

/** `ALVARES_CONFIG`: one YAML file, or a directory whose *.yaml and *.yml files are merged in name order. */
export async function loadConfigPath(
  pathOrDir: string,
  env: Record<string, string | undefined>,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const whole = (message: string): LoadResult => ({
    ok: false,
    problems: [{ file: pathOrDir, line: 1, column: 1, path: [], message }],
  });
  let directory: boolean;
  try {
    directory = (await stat(pathOrDir)).isDirectory();
  } catch (error) {
    return whole(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let files = [pathOrDir];
  if (directory) {
    const names = (await readdir(pathOrDir)).filter((name) => YAML_FILE.test(name)).sort();
    if (names.length === 0) return whole('no *.yaml or *.yml file in this directory');
    files = names.map((name) => path.join(pathOrDir, name));
  }
  const texts: Array<{ text: string; file: string }> = [];
  for (const file of files) {
    try {
      texts.push({ file, text: await readFile(file, 'utf8') });
    } catch (error) {
      return whole(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  return loadConfigTexts(texts, env, options);
}

export function loadConfigText(
  text: string,
  file: string,
  env: Record<string, string | undefined>,
  options: LoadOptions = {},
): LoadResult {
  return loadConfigTexts([{ text, file }], env, options);
}

/** The files' texts, in merge order, as one configuration: every problem of every file, or the document. */
export function loadConfigTexts(
  texts: ReadonlyArray<{ text: string; file: string }>,
  env: Record<string, string | undefined>,
  options: LoadOptions = {},
): LoadResult {
  const problems: ConfigProblem[] = [];
  const sources: SourceFile[] = [];
  for (const { text, file } of texts) {
    const parsed = parseSource(text, file);
    if (parsed.problems.length > 0) problems.push(...parsed.problems);
    else sources.push(parsed.source);
  }
  // A file that does not parse has no positions to map the rest to: its syntax errors come first, alone.
  if (problems.length > 0) return { ok: false, problems };

  const merged = mergeSources(sources, problems);
  const at = (issue: PathIssue): ConfigProblem => {
    const { source, path: local } = merged.locate(issue.path);
    return { ...placeOf(source, local, issue.atKey ?? false), path: issue.path, message: issue.message };
  };

  const resolution = resolveReferences(merged.value, env, (where, raw) =>
    isSecretValue(merged.value, where, raw, options.modules, options.inspections),
  );
  problems.push(...resolution.issues.map(at));
  const value = isPlainMap(resolution.value) ? resolution.value : {};

  // A value already reported (an unset variable left it empty) is not reported again as too short or unknown.
  const reported = new Set(resolution.issues.map((issue) => issue.path.join('\u0000')));
  const parsed = configDocumentSchema.safeParse(value);
  if (!parsed.success)
    problems.push(
      ...parsed.error.issues
        .flatMap((issue) => schemaIssues(issue, value))
        .filter((issue) => !reported.has(issue.path.join('\u0000')))
        .map(at),
    );

  const meaning = checkMeaning(value, {
    targets: options.knownTargets,
    modules: options.modules,
    inspections: options.inspections,
  });
  problems.push(...meaning.issues.filter((issue) => !reported.has(issue.path.join('\u0000'))).map(at));
  for (const duplicate of meaning.duplicates) {
    const first = at({ path: duplicate.first, message: '' });
    problems.push(
      at({ path: duplicate.path, message: `${duplicate.what} is also defined at ${describePlace(first)}` }),
    );
  }

  if (problems.length > 0 || !parsed.success)
    return {
      ok: false,
      problems: ordered(
        problems,
        texts.map((entry) => entry.file),
      ),
    };
  return {
    ok: true,
    config: {
      document: parsed.data,
      hash: createHash('sha256').update(stableJson(parsed.data)).digest('hex'),
      files: texts.map((entry) => entry.file),
      references: resolution.references,
    },
  };
}

/** A zod issue as path issues: an unknown key is named at the key itself, a missing value says so. */
function schemaIssues(issue: z.core.$ZodIssue, value: unknown): PathIssue[] {
  const where = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({ path: [...where, key], message: 'unknown key', atKey: true }));
  if (issue.code === 'invalid_type' && valueAt(value, where) === undefined)
    return [{ path: where, message: `required: expected ${issue.expected}` }];
  return [{ path: where, message: issue.message }];
}

function valueAt(value: unknown, where: readonly (string | number)[]): unknown {
  let node = value;
  for (const segment of where) {
    if (typeof node !== 'object' || node === null) return undefined;
    if (!Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** Problems in reading order: by file (in merge order), line and column. */
function ordered(problems: ConfigProblem[], files: string[]): ConfigProblem[] {
  return [...problems].sort(
    (a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line || a.column - b.column,
  );
}

/** JSON with object keys sorted, so the hash does not depend on the order keys were written in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isPlainMap(value))
    return `{${Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** How many objects the document configures: each target, route, template, silence, check, inspection and module. */
export function countObjects(document: ConfigDocument): number {
  const templates = Object.values(document.templates ?? {}).reduce((sum, kinds) => sum + Object.keys(kinds).length, 0);
  return (
    Object.keys(document.targets ?? {}).length +
    (document.routes?.length ?? 0) +
    templates +
    (document.silences?.length ?? 0) +
    (document.checks?.length ?? 0) +
    Object.keys(document.inspections ?? {}).length +
    Object.keys(document.modules ?? {}).length
  );
}
