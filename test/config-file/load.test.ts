import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { MODULES } from '../../modules/index.js';
import {
  countObjects,
  loadConfigPath,
  loadConfigText,
  type LoadOptions,
  type LoadResult,
} from '../../src/config-file/load.js';

/** Each problem as `line:column path message`, the way a reader checks it against the file. */
function problemsOf(result: LoadResult): string[] {
  if (result.ok) return [];
  return result.problems.map(
    (problem) => `${problem.line}:${problem.column} ${problem.path.join('.')} ${problem.message}`,
  );
}

const load = (text: string, env: Record<string, string> = {}, options: LoadOptions = { modules: MODULES }) =>
  loadConfigText(text, 'hub.yaml', env, options);

const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

describe('loadConfigText', () => {
  it('loads a valid file: its document, a hash, the file and where each secret came from', () => {
    const result = load(
      lines(
        'targets:',
        '  slack-ops:',
        '    provider: slack',
        '    settings:',
        '      token: ${SLACK_OPS_TOKEN}',
        'routes:',
        '  - name: ops',
        '    match: { kind: [error] }',
        '    to: [{ target: slack-ops, addresses: ["#ops"] }]',
      ),
      { SLACK_OPS_TOKEN: 'xoxb-from-the-environment' },
    );
    if (!result.ok) throw new Error(problemsOf(result).join('\n'));
    expect(result.config.document.targets?.['slack-ops']).toEqual({
      provider: 'slack',
      settings: { token: 'xoxb-from-the-environment' },
    });
    expect(result.config.document.routes?.[0]).toMatchObject({ name: 'ops', continue: false });
    expect(result.config.references).toEqual({ 'targets.slack-ops.settings.token': 'SLACK_OPS_TOKEN' });
    expect(result.config.files).toEqual(['hub.yaml']);
    expect(result.config.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(countObjects(result.config.document)).toBe(2);
  });

  it('takes ${NAME} anywhere in a string, several in one string, and $${ as a literal ${', () => {
    const result = load(
      lines('checks:', '  - name: nightly', '    description: "runs on ${CLUSTER} for ${TEAM}; costs $${dollars}"'),
      { CLUSTER: 'active', TEAM: 'team-x' },
    );
    if (!result.ok) throw new Error(problemsOf(result).join('\n'));
    expect(result.config.document.checks?.[0]?.description).toBe('runs on active for team-x; costs ${dollars}');
    expect(result.config.references).toEqual({ 'checks.0.description': 'CLUSTER,TEAM' });
  });

  it('names the variable of a missing ${NAME}, unset or blank, where it is written', () => {
    expect(
      problemsOf(
        load(
          lines(
            'targets:',
            '  ops:',
            '    provider: slack',
            '    settings:',
            '      token: ${SLACK_OPS_TOKEN}',
            '      webHook: "${HOOK}"',
          ),
          { HOOK: '   ' },
        ),
      ),
    ).toEqual([
      '5:14 targets.ops.settings.token environment variable SLACK_OPS_TOKEN is not set',
      '6:16 targets.ops.settings.webHook environment variable HOOK is not set',
    ]);
    // Once: the empty value it leaves is not also "too short".
    expect(problemsOf(load(lines('targets:', '  ops:', '    provider: ${PROVIDER}')))).toEqual([
      '3:15 targets.ops.provider environment variable PROVIDER is not set',
    ]);
  });

  it('refuses a secret written in the file: by its name, by its module’s schema, or by its shape', () => {
    expect(
      problemsOf(
        load(
          lines(
            'targets:',
            '  slack-ops:',
            '    provider: slack',
            '    settings:',
            '      token: xoxb-1234-literal', // SECRET_NAME: token
            '      web_hook: https://example.com/any', // slack's SLACK_WEB_HOOK is marked secret
            '  pager:',
            '    provider: pagerduty',
            '    settings:',
            '      routingKey: 0123456789abcdef', // pagerduty's PAGERDUTY_ROUTING_KEY is marked secret
            '      link: https://ops:hunter2@example.com/', // a password inside a URL
            '      channel: "#not-a-secret"',
            'modules:',
            '  slack:',
            '    settings:',
            '      SLACK_TOKEN: 12345', // a number is a literal too
          ),
        ),
      ),
    ).toEqual([
      '5:14 targets.slack-ops.settings.token write ${NAME}: secrets are never written in the file',
      '6:17 targets.slack-ops.settings.web_hook write ${NAME}: secrets are never written in the file',
      '10:19 targets.pager.settings.routingKey write ${NAME}: secrets are never written in the file',
      '11:13 targets.pager.settings.link write ${NAME}: secrets are never written in the file',
      '16:20 modules.slack.settings.SLACK_TOKEN write ${NAME}: secrets are never written in the file',
    ]);
  });

  it('reports a YAML syntax error with its line and column, and nothing from a file it cannot read', () => {
    const result = load(lines('targets:', '  ops:', '    provider: [slack', 'routes: 5'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file: 'hub.yaml', line: 4, column: 1, path: [] });
    expect(result.problems[0]!.message).toMatch(/flow sequence/i);
  });

  it('reports a key written twice in one file where it is written the second time', () => {
    expect(
      problemsOf(load(lines('targets:', '  ops:', '    provider: slack', '  ops:', '    provider: teams'))),
    ).toEqual(['4:3  Map keys must be unique']);
  });

  it('names unknown keys at the key, at the top and deep inside', () => {
    expect(
      problemsOf(
        load(
          lines(
            'routes:',
            '  - name: ops',
            '    match: { kind: [error], colour: [red] }',
            '    to: [{ target: slack, addresses: payload }]',
            'target:',
            '  ops: {}',
          ),
        ),
      ),
    ).toEqual(['3:29 routes.0.match.colour unknown key', '5:1 target unknown key']);
  });

  it('maps a wrong type to the value, and a missing field to the object that lacks it', () => {
    expect(
      problemsOf(
        load(
          lines(
            'checks:',
            '  - name: nightly',
            '    maxRuntimeSeconds: ten',
            'targets:',
            '  ops:',
            '    settings: {}',
            'routes: {}',
          ),
        ),
      ),
    ).toEqual([
      '3:24 checks.0.maxRuntimeSeconds Invalid input: expected number, received string',
      '6:5 targets.ops.provider required: expected string',
      '7:9 routes Invalid input: expected array, received object',
    ]);
  });

  it('refuses a route to a target that is neither in the file nor the hub’s', () => {
    const text = lines(
      'targets:',
      '  ops:',
      '    provider: slack',
      'routes:',
      '  - name: known',
      '    to: [{ target: ops, addresses: ["#a"] }, { target: teams, addresses: payload }]',
      '  - name: unknown',
      '    to:',
      '      - target: nowhere',
      '        addresses: ["#a"]',
    );
    expect(problemsOf(load(text))).toEqual([
      '9:17 routes.1.to.0.target no target "nowhere" in the file or the hub; targets: ops, slack, teams, discord, email, pagerduty, opsgenie',
    ]);
    // The hub's live list, when it gives one, replaces the module list's names.
    expect(problemsOf(load(text, {}, { modules: MODULES, knownTargets: ['nowhere'] }))).toEqual([
      '6:56 routes.0.to.1.target no target "teams" in the file or the hub; targets: ops, nowhere',
    ]);
  });

  it('refuses a provider, a module and a module setting the hub does not have', () => {
    expect(
      problemsOf(
        load(
          lines(
            'targets:',
            '  ops:',
            '    provider: carrier-pigeon',
            'modules:',
            '  slack:',
            '    settings:',
            '      SLACK_COLOUR: blue',
            '  fax: { enabled: true }',
          ),
        ),
      ),
    ).toEqual([
      '3:15 targets.ops.provider no provider "carrier-pigeon"; providers: slack, teams, discord, email, pagerduty, opsgenie',
      expect.stringMatching(
        /^7:7 modules\.slack\.settings\.SLACK_COLOUR not a setting of slack; settings: SLACK_TOKEN, /,
      ),
      expect.stringMatching(/^8:3 modules\.fax no module "fax"; modules: database, slack, /),
    ]);
  });

  it('refuses a template that does not parse, at the template', () => {
    expect(
      problemsOf(load(lines('templates:', '  slack:', '    deployment: "{{ event.payload.applicationName "'))),
    ).toEqual([
      '3:17 templates.slack.deployment not a valid template: output "{{ event.payload.applicationN..." not closed, line:1, col:1',
    ]);
  });

  it('refuses a template the templates API would refuse on its trial render, not only on its parse', () => {
    expect(problemsOf(load(lines('templates:', '  teams:', '    error: "{{ applicationName | append }}"')))).toEqual([
      '3:12 templates.teams.error not a valid template: append expect 2 arguments, line:1, col:1',
    ]);
  });

  it('checks inspection parameters by the hub’s inspections when it gives them, secrets included', () => {
    const inspections = {
      'endpoints.health': {
        parameters: z.object({ slowMs: z.number().int().min(1).default(5000), bearer: z.string().default('') }),
        secrets: ['bearer'],
      },
    };
    const text = lines(
      'inspections:',
      '  endpoints.health:',
      '    slowMs: 0',
      '    colour: red',
      '    bearer: hunter2',
      '  disk.space: { minFree: 10 }',
    );
    expect(problemsOf(load(text, {}, { modules: MODULES, inspections }))).toEqual([
      '3:13 inspections.endpoints.health.slowMs Too small: expected number to be >=1',
      '4:5 inspections.endpoints.health.colour not a parameter of endpoints.health; parameters: slowMs, bearer',
      '5:13 inspections.endpoints.health.bearer write ${NAME}: secrets are never written in the file',
      '6:3 inspections.disk.space no inspection "disk.space"; inspections: endpoints.health',
    ]);
    // Without the hub's inspections (the CLI runs no module) the values are taken as written: only a name that
    // says secret, or a value that looks like one, would be refused.
    expect(problemsOf(load(text))).toEqual([]);
  });

  it('refuses a regular expression that does not compile or backtracks, as the routes API does', () => {
    expect(
      problemsOf(
        load(
          lines(
            'routes:',
            '  - name: patterns',
            '    match:',
            '      application: ["~(unclosed", "~(a+)+$"]',
            '    to: [{ target: slack, addresses: payload }]',
          ),
        ),
      ),
    ).toEqual([
      '4:21 routes.0.match.application.0 not a regular expression: Invalid regular expression: /(unclosed/i: Unterminated group',
      '4:35 routes.0.match.application.1 the regular expression is too slow (it backtracks)',
    ]);
  });

  it('refuses a recurring window with a bad RRULE or time zone, at the field', () => {
    expect(
      problemsOf(
        load(
          lines(
            'silences:',
            '  - name: patch-night',
            '    reason: patching',
            '    recurrence: FREQ=FORTNIGHTLY',
            '    durationMinutes: 60',
            '    timeZone: Europe/Atlantis',
          ),
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^4:17 silences\.0\.recurrence /),
      '6:15 silences.0.timeZone "Europe/Atlantis" is not an IANA time zone (Europe/Stockholm)',
    ]);
  });

  it('names a silence, check or route given twice in one file at the second, with the first’s place', () => {
    expect(
      problemsOf(
        load(
          lines(
            'checks:',
            '  - name: nightly',
            '  - name: nightly',
            'routes:',
            '  - { name: all, to: [{ target: slack, addresses: payload }] }',
            '  - { name: all, to: [{ target: slack, addresses: payload }] }',
          ),
        ),
      ),
    ).toEqual([
      '3:11 checks.1.name check "nightly" is also defined at hub.yaml:2:11',
      '6:13 routes.1.name route "all" is also defined at hub.yaml:5:13',
    ]);
  });

  it('collects every problem of a file, not only the first', () => {
    const result = load(
      lines(
        'targets:',
        '  ops: { provider: slack, settings: { token: literal-token } }',
        'routes:',
        '  - { name: r, to: [{ target: nowhere, addresses: payload }], colour: red }',
        'templates:',
        '  slack: { error: "{% if %}" }',
        'silences:',
        '  - { name: s, reason: x, recurrence: FREQ=DAILY, durationMinutes: 5, timeZone: Nowhere/Land }',
        'checks:',
        '  - { name: c, maxRuntimeSeconds: -1 }',
        'inspections:',
        '  core.disk: { path: "${DISK_PATH}" }',
      ),
    );
    expect(problemsOf(result).map((problem) => problem.split(' ').slice(0, 2).join(' '))).toEqual([
      '2:46 targets.ops.settings.token',
      '4:31 routes.0.to.0.target',
      '4:63 routes.0.colour',
      '6:19 templates.slack.error',
      '8:81 silences.0.timeZone',
      '10:35 checks.0.maxRuntimeSeconds',
      '12:22 inspections.core.disk.path',
    ]);
  });

  it('gives equal documents equal hashes whatever the order of their keys, and different ones different hashes', () => {
    const hashOf = (text: string) => {
      const result = load(text);
      if (!result.ok) throw new Error(problemsOf(result).join('\n'));
      return result.config.hash;
    };
    const a = hashOf(
      lines(
        'targets:',
        '  ops: { provider: slack, settings: { channel: "#a" } }',
        'modules: { slack: { enabled: true } }',
      ),
    );
    const b = hashOf(
      lines(
        'modules: { slack: { enabled: true } }',
        'targets:',
        '  ops: { settings: { channel: "#a" }, provider: slack }',
      ),
    );
    const c = hashOf(
      lines(
        'targets:',
        '  ops: { provider: slack, settings: { channel: "#b" } }',
        'modules: { slack: { enabled: true } }',
      ),
    );
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('stops at an alias that contains itself and refuses an alias bomb, without hanging', () => {
    expect(problemsOf(load(lines('routes: &loop [*loop]')))[0]).toMatch(
      /^1:16 routes(\.0)+ nested deeper than 32 levels$/,
    );
    const bomb = lines(
      'a: &a [1, 2]',
      'b: &b [*a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b]',
      `d: [${Array.from({ length: 40 }, () => '*c').join(', ')}]`,
    );
    expect(problemsOf(load(bomb))).toEqual(['1:1  Excessive alias count indicates a resource exhaustion attack']);
  });

  it('keeps keys named like members of every object as data: __proto__ refused, constructor an unknown key', () => {
    expect(
      problemsOf(
        load(
          lines(
            'constructor: 1',
            'targets:',
            '  __proto__: { provider: slack }',
            'routes:',
            '  - { name: r, to: [{ target: toString, addresses: payload }] }',
          ),
        ),
      ),
    ).toEqual([
      '1:1 constructor unknown key',
      '3:3 targets.__proto__ not allowed as a key',
      '5:31 routes.0.to.0.target no target "toString" in the file or the hub; targets: slack, teams, discord, email, pagerduty, opsgenie',
    ]);
  });

  it('takes an empty file as an empty configuration, and refuses a file that is not a map', () => {
    const empty = load('# nothing configured yet\n');
    expect(empty.ok && empty.config.document).toEqual({});
    expect(problemsOf(load(lines('- targets', '- routes')))).toEqual([
      '1:1  a configuration file is a map of sections (targets, routes, templates, …)',
    ]);
  });
});

describe('loadConfigPath', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = (name: string, ...rows: string[]) => writeFile(path.join(dir, name), lines(...rows));

  it('merges a directory’s *.yaml and *.yml in name order: maps key by key, lists concatenated', async () => {
    await write('20-routes.yml', 'routes:', '  - { name: second, to: [{ target: ops, addresses: payload }] }');
    await write(
      '10-base.yaml',
      'targets:',
      '  ops: { provider: slack }',
      'routes:',
      '  - { name: first, to: [{ target: slack, addresses: payload }] }',
    );
    await write('30-more.yaml', 'targets:', '  mail: { provider: email }');
    await write('notes.txt', 'not: yaml: at all: [');
    const result = await loadConfigPath(dir, {}, { modules: MODULES });
    if (!result.ok) throw new Error(problemsOf(result).join('\n'));
    expect(result.config.files).toEqual(
      ['10-base.yaml', '20-routes.yml', '30-more.yaml'].map((name) => path.join(dir, name)),
    );
    expect(Object.keys(result.config.document.targets ?? {})).toEqual(['ops', 'mail']);
    expect(result.config.document.routes?.map((route) => route.name)).toEqual(['first', 'second']);
  });

  it('names both places of a name defined in two files, each problem in its own file', async () => {
    await write(
      'a.yaml',
      'targets:',
      '  ops: { provider: slack }',
      'silences:',
      '  - name: patch',
      '    reason: x',
      '    endsAt: 2099-01-01T00:00:00Z',
      '    startsAt: 2098-12-31T00:00:00Z',
    );
    await write(
      'b.yaml',
      '# second file',
      'targets:',
      '  ops: { provider: teams }',
      'silences:',
      '  - name: patch',
      '    reason: y',
      '    endsAt: 2099-01-01T00:00:00Z',
      '    startsAt: 2098-12-31T00:00:00Z',
      'routes:',
      '  - { name: r, to: [{ target: slack, addresses: payload }], colour: red }',
    );
    const result = await loadConfigPath(dir, {}, { modules: MODULES });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.yaml');
    expect(result.problems).toEqual([
      { file: b, line: 3, column: 3, path: ['targets', 'ops'], message: `targets.ops is also defined at ${a}:2:3` },
      {
        file: b,
        line: 5,
        column: 11,
        path: ['silences', 1, 'name'],
        message: `silence "patch" is also defined at ${a}:4:11`,
      },
      { file: b, line: 10, column: 61, path: ['routes', 0, 'colour'], message: 'unknown key' },
    ]);
  });

  it('reports a syntax error in one file of a directory in that file', async () => {
    await write('a.yaml', 'targets: {}');
    await write('b.yaml', 'routes:', '  - name: [');
    const result = await loadConfigPath(dir, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((problem) => problem.file)).toEqual([path.join(dir, 'b.yaml')]);
  });

  it('says so when the path does not exist or the directory holds no YAML file', async () => {
    expect(problemsOf(await loadConfigPath(path.join(dir, 'missing.yaml'), {}))).toEqual(['1:1  cannot read: ENOENT']);
    expect(problemsOf(await loadConfigPath(dir, {}))).toEqual(['1:1  no *.yaml or *.yml file in this directory']);
  });
});
