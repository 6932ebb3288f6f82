import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The layout is the architecture (docs/architecture.md): modules see the core through src/module-api.ts
 * only and never each other; the core never imports a module; core layers import downward only. These
 * tests read every import of every source file, so a wrong one fails here rather than in review.
 */
const ROOT = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

/** Relative imports of a file (static, type-only, re-exports and dynamic), resolved to project paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|^\s*import\s+'([^']+)'/gm,
    ),
  ].map((match) => match[1] ?? match[2] ?? match[3]!);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.normalize(path.join(path.dirname(file), specifier)).replace(/\.js$/, '.ts'));
}

/** The core's layers, lowest first: a file may import its own layer or a lower one. */
const LAYERS: string[][] = [
  ['src/errors.ts', 'src/util/', 'src/config/', 'src/logging/', 'src/events/'],
  ['src/store/', 'src/stream/'],
  ['src/module-system/', 'src/bus/', 'src/outbound/', 'src/notify/'],
  [
    'src/delivery/',
    'src/scheduler/',
    'src/ingest/',
    'src/checks/',
    'src/ops/',
    'src/insights/',
    'src/silences/',
    'src/config-file/',
  ],
  ['src/http/', 'src/status-page/'],
  ['src/hub.ts', 'src/hub-settings.ts', 'src/hub-steps.ts', 'src/main.ts', 'src/cli.ts', 'src/module-api.ts'],
];

function layerOf(file: string): number {
  const layer = LAYERS.findIndex((prefixes) => prefixes.some((prefix) => file === prefix || file.startsWith(prefix)));
  if (layer < 0) throw new Error(`${file} is in no layer: add its folder to LAYERS and to docs/architecture.md`);
  return layer;
}

describe('the architecture', () => {
  const moduleFiles = sourceFiles('modules');
  const coreFiles = sourceFiles('src');

  it('finds the sources it checks', () => {
    expect(moduleFiles.length).toBeGreaterThan(30);
    expect(coreFiles.length).toBeGreaterThan(30);
    expect(importsOf('src/hub-steps.ts')).toContain('src/errors.ts');
  });

  it('lets a module import only its own folder and src/module-api.ts', () => {
    const wrong: string[] = [];
    for (const file of moduleFiles) {
      const folder = file.split(path.sep).slice(0, 2).join(path.sep);
      for (const target of importsOf(file)) {
        const allowed =
          target === 'src/module-api.ts' ||
          (file !== 'modules/index.ts' && target.startsWith(`${folder}${path.sep}`)) ||
          // The module list names each module by its front door.
          (file === 'modules/index.ts' && /^modules\/[a-z0-9-]+\/index\.ts$/.test(target));
        if (!allowed) wrong.push(`${file} -> ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the core from importing any module (the process entries excepted, which load the list)', () => {
    const wrong = coreFiles.flatMap((file) =>
      importsOf(file)
        .filter(
          (target) =>
            target.startsWith('modules/') &&
            !(['src/main.ts', 'src/cli.ts'].includes(file) && target === 'modules/index.ts'),
        )
        .map((target) => `${file} -> ${target}`),
    );
    expect(wrong).toEqual([]);
  });

  it('imports downward only between the core layers', () => {
    const upward = coreFiles.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('src/') && layerOf(target) > layerOf(file))
        .map((target) => `${file} (layer ${layerOf(file)}) -> ${target} (layer ${layerOf(target)})`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycles in src/ and modules/', () => {
    const graph = new Map(
      [...coreFiles, ...moduleFiles].map((file) => [file, importsOf(file).filter((target) => target.endsWith('.ts'))]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps core files to one concern: none much over 250 lines', () => {
    const long = coreFiles
      .map((file) => ({ file, lines: readFileSync(path.join(ROOT, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 280)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it("builds every router with hubRouter(), so access guards and routes agree on a path's spelling", () => {
    // express's Router() matches case-insensitively and ignores a trailing slash: a guard comparing the path
    // as written would protect fewer spellings than such a router serves (src/util/http-router.ts).
    const plain = [...coreFiles, ...moduleFiles].filter(
      (file) =>
        file !== 'src/util/http-router.ts' &&
        /(?<![\w.])(?:express\.)?Router\(/.test(readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(plain).toEqual([]);
  });
});
