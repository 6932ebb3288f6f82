import { MODULES } from '../../modules/index.js';
import { loadConfigText, type LoadResult } from '../../src/config-file/load.js';

function problemsOf(result: LoadResult): string[] {
  if (result.ok) return [];
  return result.problems.map((problem) => `${problem.path.join('.')} ${problem.message}`);
}

const load = (...rows: string[]) => loadConfigText(`${rows.join('\n')}\n`, 'hub.yaml', {}, { modules: MODULES });

describe('a route fallback in the configuration file', () => {
  it('takes a fallback that names a target, and refuses one that names none or the send’s own target', () => {
    expect(
      problemsOf(load('routes:', '  - { name: r, to: [{ target: slack, addresses: payload, fallback: teams }] }')),
    ).toEqual([]);
    expect(
      problemsOf(
        load(
          'routes:',
          '  - { name: a, to: [{ target: slack, addresses: payload, fallback: nowhere }] }',
          '  - { name: b, to: [{ target: slack, addresses: payload, fallback: slack }] }',
        ),
      ),
    ).toEqual([
      'routes.0.to.0.fallback no target "nowhere" in the file or the hub; targets: slack, teams, discord, email, pagerduty, opsgenie',
      'routes.1.to.0.fallback a send cannot fall back to its own target',
    ]);
  });
});
