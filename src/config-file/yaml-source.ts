import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigProblem, Place } from './problems.js';

/** One parsed file: its YAML document (with node positions) and its plain value. */
export interface SourceFile {
  file: string;
  document: Document;
  lines: LineCounter;
  value: unknown;
}

/**
 * Parses one file. YAML 1.2's core schema keeps `2026-12-07T10:00:00Z` a string (the API's form); duplicate keys
 * and aliases past the library's limit are errors, so a hostile file cannot blow up into a huge value.
 */
export function parseSource(text: string, file: string): { source: SourceFile; problems: ConfigProblem[] } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const source: SourceFile = { file, document, lines, value: null };
  const problems: ConfigProblem[] = document.errors.map((error) => ({
    file,
    line: error.linePos?.[0]?.line ?? 1,
    column: error.linePos?.[0]?.col ?? 1,
    path: [],
    message: error.message.split(/ at line \d+, column \d+/)[0]!.trim(),
  }));
  if (problems.length > 0) return { source, problems };
  try {
    source.value = document.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    problems.push({ file, line: 1, column: 1, path: [], message: (error as Error).message });
  }
  return { source, problems };
}

/**
 * Where the value at `path` was written; with `key`, where its key was (an unknown key, a duplicate name). A path
 * that goes further than the file does (a missing field) points at the deepest value the file has on the way.
 */
export function placeOf(source: SourceFile, path: readonly (string | number)[], key = false): Place {
  let node: unknown = source.document.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) break;
      // `key:` with no value has only its key to point at.
      const atKey = (key && index === path.length - 1) || pair.value == null;
      offset = rangeStart(atKey ? pair.key : pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] != null) {
      node = node.items[segment];
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  const { line, col } = source.lines.linePos(offset);
  return { file: source.file, line, column: col };
}

function keyText(key: unknown): string {
  return String(isScalar(key) ? key.value : key);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}
