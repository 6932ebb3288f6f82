import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MODULES } from '../../modules/index.js';
import { loadConfigPath } from '../../src/config-file/load.js';

/** The real command, as package.json's `bin` names it, run by node in a child process on files in a temp directory. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function alvares(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const bin = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> })
    .bin.alvares!;
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, bin), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// Each run starts node and compiles the sources with tsx: seconds on a busy machine.
jest.setTimeout(90_000);

describe('alvares validate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the object count and the loader’s hash and exits 0 for a valid directory', async () => {
    const config = path.join(dir, 'valid');
    await mkdir(config);
    await writeFile(
      path.join(config, '10-targets.yaml'),
      'targets:\n  ops:\n    provider: slack\n    settings:\n      token: ${OPS_TOKEN}\n',
    );
    await writeFile(
      path.join(config, '20-routes.yaml'),
      'routes:\n  - name: ops\n    to: [{ target: ops, addresses: ["#ops"] }]\n',
    );
    const ran = await alvares(['validate', config], { OPS_TOKEN: 'xoxb-token-from-ci' });
    const loaded = await loadConfigPath(config, { OPS_TOKEN: 'xoxb-token-from-ci' }, { modules: MODULES });
    expect(loaded.ok).toBe(true);
    expect(ran).toEqual({
      code: 0,
      stdout: `ok: 2 objects, hash ${loaded.ok ? loaded.config.hash : ''}\n`,
      stderr: '',
    });
    expect(ran.stdout).not.toContain('xoxb-token-from-ci');
  });

  it('prints every problem as file:line:column  path  message and exits 1', async () => {
    const file = path.join(dir, 'broken.yaml');
    await writeFile(
      file,
      [
        'targets:',
        '  ops:',
        '    provider: slack',
        '    settings:',
        '      token: xoxb-written-here',
        'routes:',
        '  - name: ops',
        '    to: [{ target: nowhere, addresses: payload }]',
        '    colour: red',
        '',
      ].join('\n'),
    );
    const ran = await alvares(['validate', file]);
    expect(ran.code).toBe(1);
    expect(ran.stdout.trimEnd().split('\n')).toEqual([
      `${file}:5:14  targets.ops.settings.token  write \${NAME}: secrets are never written in the file`,
      `${file}:8:20  routes.0.to.0.target  no target "nowhere" in the file or the hub; targets: ops, slack, teams, discord, email, pagerduty, opsgenie`,
      `${file}:9:5  routes.0.colour  unknown key`,
    ]);
  });

  it('names a missing variable, and with --placeholders checks the file without the secrets', async () => {
    const file = path.join(dir, 'secret.yaml');
    await writeFile(file, 'targets:\n  ops:\n    provider: teams\n    settings:\n      webhookUrl: ${TEAMS_HOOK}\n');
    const without = await alvares(['validate', file]);
    expect(without.code).toBe(1);
    expect(without.stdout).toBe(
      `${file}:5:19  targets.ops.settings.webhookUrl  environment variable TEAMS_HOOK is not set\n`,
    );
    const placeholders = await alvares(['validate', '--placeholders', file]);
    expect(placeholders.code).toBe(0);
    expect(placeholders.stdout).toMatch(/^ok: 1 objects, hash [0-9a-f]{64}\n$/);
  });

  it('exits 2 with the usage for a missing path, an unknown command or an unknown option', async () => {
    for (const args of [['validate'], ['check', 'hub.yaml'], ['validate', '--fix', 'hub.yaml'], []]) {
      const ran = await alvares(args);
      expect({ args, code: ran.code, stdout: ran.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(ran.stderr).toContain('usage: alvares validate [--placeholders] <file or directory>');
    }
  });
});
