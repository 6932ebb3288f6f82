import { describePlace, type ConfigProblem } from './problems.js';
import { placeOf, type SourceFile } from './yaml-source.js';

/** The files' documents as one, and where each part of it was written. */
export interface Merged {
  value: Record<string, unknown>;
  /** The file, and the path inside it, that a path of the merged value came from. */
  locate(path: readonly (string | number)[]): { source: SourceFile; path: (string | number)[] };
}

type Origin = { source: SourceFile; index?: number };

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges files in the order given (name order): a section that is a map is merged key by key, a list is
 * concatenated. A key given by two files is a problem at the second naming the first, not a silent override:
 * which file wins would otherwise depend on file names nobody thinks of as significant.
 */
export function mergeSources(sources: readonly SourceFile[], problems: ConfigProblem[]): Merged {
  // Maps, not objects: a section or key named `constructor` or `__proto__` is data here, never an inherited member.
  const merged = new Map<string, unknown>();
  const sections = new Map<string, SourceFile>();
  const keys = new Map<string, Map<string, SourceFile>>();
  const items = new Map<string, Origin[]>();
  const problemAt = (source: SourceFile, path: (string | number)[], message: string) =>
    problems.push({ ...placeOf(source, path, true), path, message });

  for (const source of sources) {
    if (!isPlainMap(source.value)) {
      problemAt(source, [], 'a configuration file is a map of sections (targets, routes, templates, …)');
      continue;
    }
    for (const [section, part] of Object.entries(source.value)) {
      if (part === null || part === undefined) continue;
      const first = sections.get(section);
      const existing = merged.get(section);
      if (first === undefined) {
        sections.set(section, source);
        merged.set(
          section,
          Array.isArray(part) ? [...(part as unknown[])] : isPlainMap(part) ? new Map(Object.entries(part)) : part,
        );
        if (Array.isArray(part))
          items.set(
            section,
            part.map((_item, index) => ({ source, index })),
          );
        if (isPlainMap(part)) keys.set(section, new Map(Object.keys(part).map((key) => [key, source])));
      } else if (Array.isArray(existing) && Array.isArray(part)) {
        items.get(section)!.push(...part.map((_item, index) => ({ source, index })));
        existing.push(...(part as unknown[]));
      } else if (existing instanceof Map && isPlainMap(part)) {
        const owners = keys.get(section)!;
        for (const [key, item] of Object.entries(part)) {
          const owner = owners.get(key);
          if (owner) {
            const there = describePlace(placeOf(owner, [section, key], true));
            problemAt(source, [section, key], `${section}.${key} is also defined at ${there}`);
            continue;
          }
          owners.set(key, source);
          existing.set(key, item);
        }
      } else {
        problemAt(source, [section], `${section} is also given at ${describePlace(placeOf(first, [section], true))}`);
      }
    }
  }
  // Object.fromEntries defines own properties, so even `__proto__` stays a key (refused later by name).
  const value = Object.fromEntries(
    [...merged].map(([section, part]) => [section, part instanceof Map ? Object.fromEntries(part) : part]),
  );

  const locate = (path: readonly (string | number)[]) => {
    const [section, second, ...rest] = path;
    const fallback = { source: sections.get(String(section)) ?? sources[0]!, path: [...path] };
    if (section === undefined || second === undefined) return fallback;
    const listed = items.get(String(section));
    if (listed && typeof second === 'number' && listed[second]) {
      const origin = listed[second];
      return { source: origin.source, path: [section, origin.index!, ...rest] };
    }
    const owner = keys.get(String(section))?.get(String(second));
    return owner ? { source: owner, path: [...path] } : fallback;
  };
  return { value, locate };
}
