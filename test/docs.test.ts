import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The documentation is for users: the README is a short front door that reaches every guide, links resolve,
 * and neither the code nor the docs speak of the tracker or of the machine they were written on (the
 * history is in git; figures live in docs/benchmarks.md).
 */
const ROOT = path.resolve(import.meta.dirname, '..');

function files(dir: string, extensions: string[]): string[] {
  const full = path.join(ROOT, dir);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [dir];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(relative, extensions);
    return extensions.some((extension) => entry.name.endsWith(extension)) ? [relative] : [];
  });
}

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const markdown = [
  'README.md',
  ...files('docs', ['.md']),
  ...readdirSync(path.join(ROOT, 'modules')).flatMap((name) => files(path.join('modules', name, 'README.md'), ['.md'])),
];

/** Relative link targets of a Markdown file (links and images), without their #fragment. */
function relativeLinks(file: string): string[] {
  const text = read(file).replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.split('#')[0]!);
}

describe('the documentation', () => {
  const readme = read('README.md');

  it('keeps the README a front door of at most 15 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15 * 1024);
  });

  it('shows the two commands and "Try it" on the README, and links every guide from it', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('./run_tests.sh');
    expect(readme).toMatch(/^## Try it$/m);
    const guides = files('docs/guides', ['.md']).map((file) => file.replace(/\\/g, '/'));
    expect(guides.length).toBeGreaterThan(5);
    const unlinked = guides.filter((guide) => !readme.includes(`(${guide})`));
    expect(unlinked).toEqual([]);
  });

  it('has no relative link that leads nowhere', () => {
    const broken = markdown.flatMap((file) =>
      relativeLinks(file)
        .filter((target) => target !== '' && !existsSync(path.resolve(ROOT, path.dirname(file), target)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(broken).toEqual([]);
  });

  describe('speaks of the product, not of its history or its build machine', () => {
    const scanned = [
      'README.md',
      ...files('docs', ['.md']),
      ...files('src', ['.ts']),
      ...files('modules', ['.ts', '.md']),
      ...files('bench', ['.ts', '.mjs']),
    ];
    // "#12", "(#12)", "issue 12", "issue #12 §3"; not a colour (#fff, #111111), an HTML entity (&#39;), or
    // another project's issue (graphile/worker#621), which is a citation, not this project's tracker.
    const tracker = [/(?<![&\w/.-])#\d{1,3}(?![\w;])/, /\bissues? #?\d+/i, /\bticket #?\d+/i];
    const machine = [
      /\b(this|these|the build|our|the development) machines?\b/i,
      /\bmeasured here\b/i,
      /\b(two|2) cores\b/i,
    ];
    const hits = (patterns: RegExp[]) =>
      scanned.flatMap((file) =>
        read(file)
          .split('\n')
          .flatMap((line, index) =>
            patterns.some((pattern) => pattern.test(line)) ? [`${file}:${index + 1}: ${line.trim()}`] : [],
          ),
      );

    it('finds the files it scans', () => {
      expect(scanned.length).toBeGreaterThan(150);
    });

    it('has no references to the tracker', () => {
      expect(hits(tracker)).toEqual([]);
    });

    it('has no talk about the machine it was built on (the benchmarks page, which says what it measured on, aside)', () => {
      expect(hits(machine).filter((hit) => !hit.startsWith('docs/benchmarks.md:'))).toEqual([]);
    });
  });
});
