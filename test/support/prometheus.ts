/**
 * A parser of the Prometheus text exposition format (version 0.0.4), as a scraper reads it: `# HELP` and
 * `# TYPE` lines, then samples `name{label="value",...} value [timestamp]`, label values with \\ \" \n
 * escapes. Strict: a line it cannot read throws, so a malformed exposition fails the test.
 */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: string;
  help: string;
  samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new Error(`not a sample value: "${text}"`);
  return value;
}

function parseSample(line: string): PromSample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error(`not a sample line: ${line}`);
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.replace(/^\s*,?\s*/, '');
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(rest);
      if (!label) throw new Error(`bad label in: ${line}`);
      rest = rest.slice(label[0].length);
      let value = '';
      for (;;) {
        const char = rest[0];
        if (char === undefined) throw new Error(`unterminated label value in: ${line}`);
        rest = rest.slice(1);
        if (char === '"') break;
        if (char === '\\') {
          const escaped = rest[0];
          rest = rest.slice(1);
          value += escaped === 'n' ? '\n' : escaped === '\\' ? '\\' : escaped === '"' ? '"' : `\\${escaped ?? ''}`;
        } else value += char;
      }
      if (label[1]! in labels) throw new Error(`label ${label[1]} twice in: ${line}`);
      labels[label[1]!] = value;
    }
  }
  const parts = rest.trim().split(/\s+/);
  if (parts.length < 1 || parts.length > 2) throw new Error(`bad value part in: ${line}`);
  return { name, labels, value: parseValue(parts[0]!) };
}

/** Families by name; samples of a histogram (`_bucket`, `_sum`, `_count`) belong to their family. */
export function parsePrometheus(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const family = (name: string) => {
    let found = families.get(name);
    if (!found) {
      found = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, found);
    }
    return found;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') family(meta[2]!).help = meta[3]!;
      else {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(meta[3]!))
          throw new Error(`bad type: ${line}`);
        family(meta[2]!).type = meta[3]!;
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    const base = [...families.keys()].find(
      (name) =>
        sample.name === name ||
        (['histogram', 'summary'].includes(families.get(name)!.type) &&
          /^(.*)_(bucket|sum|count)$/.exec(sample.name)?.[1] === name),
    );
    if (!base) throw new Error(`sample before its # TYPE line: ${line}`);
    family(base).samples.push(sample);
  }
  return families;
}

/** The value of the one sample of `name` whose labels include `labels` (undefined when none). */
export function sampleValue(
  families: Map<string, PromFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
        return sample.value;
    }
  }
  return undefined;
}
