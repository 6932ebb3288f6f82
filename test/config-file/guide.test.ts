import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MODULES } from '../../modules/index.js';
import { countObjects, loadConfigText } from '../../src/config-file/load.js';

/** The guide's complete example is a file the hub loads as it is: copied by readers, it must not teach mistakes. */
const GUIDE = path.resolve(import.meta.dirname, '../../docs/guides/configure-with-a-file.md');

async function example(): Promise<string> {
  const guide = await readFile(GUIDE, 'utf8');
  const section = guide.slice(guide.indexOf('## A complete example'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('no yaml block under "A complete example"');
  return match[1]!;
}

describe('docs/guides/configure-with-a-file.md', () => {
  it('has a complete example that loads without problems, every section in it', async () => {
    const text = await example();
    const names = [...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((match) => match[1]!);
    expect(names).toEqual(['SLACK_OPS_TOKEN', 'PAGERDUTY_ROUTING_KEY']);
    const env = Object.fromEntries(names.map((name) => [name, `value-of-${name}`]));
    const result = loadConfigText(text, 'alvares.yaml', env, { modules: MODULES });
    if (!result.ok) throw new Error(result.problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n'));
    const document = result.config.document;
    expect(Object.keys(document).sort()).toEqual(
      ['checks', 'inspections', 'modules', 'routes', 'silences', 'targets', 'templates'].sort(),
    );
    expect(document.silences?.map((silence) => Boolean(silence.recurrence))).toEqual([false, true]);
    expect(result.config.references).toEqual({
      'targets.slack-ops.settings.token': 'SLACK_OPS_TOKEN',
      'targets.on-call.settings.routingKey': 'PAGERDUTY_ROUTING_KEY',
    });
    expect(countObjects(document)).toBe(12);
  });

  it('starts the example with the editor’s schema line pointing at the served schema', async () => {
    expect((await example()).split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=https:\/\/\S+\/api\/v1\/config\/schema\.json$/,
    );
  });

  it('refuses the example with its secrets written in, as the guide says', async () => {
    const text = (await example()).replace('${SLACK_OPS_TOKEN}', 'xoxb-0123-literal');
    const result = loadConfigText(text, 'alvares.yaml', { PAGERDUTY_ROUTING_KEY: 'key' }, { modules: MODULES });
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([
      'write ${NAME}: secrets are never written in the file',
    ]);
  });
});
