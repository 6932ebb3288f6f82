import fc from 'fast-check';
import { stringify } from 'yaml';
import { MODULES } from '../../modules/index.js';
import { loadConfigText, type LoadResult } from '../../src/config-file/load.js';

/**
 * Whatever a file holds, the loader answers: a configuration or problems with places, never a throw (a throw
 * at start-up or in the CLI would hide every other problem and name no line).
 */
const SECTIONS = ['targets', 'routes', 'templates', 'silences', 'checks', 'inspections', 'modules'];

function placed(result: LoadResult): boolean {
  if (result.ok) return typeof result.config.hash === 'string';
  return (
    result.problems.length > 0 &&
    result.problems.every(
      (problem) =>
        problem.file === 'fuzz.yaml' &&
        Number.isInteger(problem.line) &&
        problem.line >= 1 &&
        Number.isInteger(problem.column) &&
        problem.column >= 1 &&
        typeof problem.message === 'string' &&
        problem.message.length > 0,
    )
  );
}

/** Values that look like parts of the document: names, `${...}`, regexes, RRULEs, nested maps and lists. */
const leaf = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '${SET}',
    '${UNSET}',
    '${}',
    '${constructor}',
    '$${x}',
    '~(a+)+$',
    '~[',
    'FREQ=WEEKLY',
    'Europe/Stockholm',
    'slack',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(
    fc.oneof(
      fc.string(),
      fc.constantFrom(
        'name',
        'provider',
        'settings',
        'to',
        'target',
        'token',
        'match',
        '__proto__',
        'constructor',
        'toString',
      ),
    ),
    tie('node'),
    { maxKeys: 4 },
  ),
})).node;
const documentLike = fc.dictionary(
  fc.oneof(fc.constantFrom(...SECTIONS, '__proto__', 'constructor'), fc.string()),
  value,
  {
    maxKeys: 8,
  },
);

describe('loadConfigText on random input', () => {
  it('answers a configuration or placed problems for random documents, never a throw', () => {
    fc.assert(
      fc.property(documentLike, (document) =>
        placed(loadConfigText(stringify(document), 'fuzz.yaml', { SET: 'value' }, { modules: MODULES })),
      ),
      { numRuns: 300 },
    );
    // Keys such as __proto__ stayed data: nothing reached the prototype every object shares.
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('name');
    expect(({} as Record<string, unknown>).provider).toBeUndefined();
  });

  it('answers placed problems for random text, never a throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: fc.constantFrom(':', '-', ' ', '\n', '[', '{', '&a', '*a', '"', 'x') }),
        ),
        (text) => placed(loadConfigText(text, 'fuzz.yaml', {}, { modules: MODULES })),
      ),
      { numRuns: 300 },
    );
  });
});
