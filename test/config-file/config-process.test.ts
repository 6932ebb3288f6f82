import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../support/database.js';
import { waitFor } from '../support/hub.js';
import { spawnHub, type HubProcess } from '../support/process-hub.js';

const ADMIN_TOKEN = 'config-process-admin-0123456789';

const checkSaying = (description: string) => `checks:
  - name: nightly-backup
    description: ${description}
`;

async function exported(hub: HubProcess): Promise<string> {
  const res = await fetch(`${hub.url}/api/v1/config/export`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return res.text();
}

describe('the configuration file in a hub run as a process', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-config-process-'));
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops start-up on an invalid file, listing every problem with its place', async () => {
    const file = path.join(dir, 'invalid.yaml');
    await writeFile(file, 'routes:\n  - name: x\n    colour: red\n    to: []\nsilences: 3\nnonsense: true\n');
    const failed = await spawnHub({ DATABASE_URL: database.url, ADMIN_TOKEN, ALVARES_CONFIG: file }).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failed).not.toBeNull();
    expect(failed).toContain('hub exited during start');
    expect(failed).toContain(`ALVARES_CONFIG ${file}:3:5: routes.0.colour: unknown key`);
    expect(failed).toContain(`${file}:5:`);
    expect(failed).toContain(`${file}:6:1: nonsense: unknown key`);
  });

  it('reloads the file on SIGHUP', async () => {
    const file = path.join(dir, 'alvares.yaml');
    await writeFile(file, checkSaying('first words'));
    const hub = await spawnHub({ DATABASE_URL: database.url, ADMIN_TOKEN, ALVARES_CONFIG: file, LOG_LEVEL: 'info' });
    try {
      expect(await exported(hub)).toContain('first words');
      hub.child.kill('SIGHUP');
      await waitFor(() => /"reason":"SIGHUP"/.test(hub.output()), 10_000, 'a reload on SIGHUP');
      expect(hub.output()).toMatch(
        /configuration file loaded.*"reason":"SIGHUP"|"reason":"SIGHUP".*configuration file loaded/,
      );
      await writeFile(file, checkSaying('second words'));
      hub.child.kill('SIGHUP');
      await waitFor(async () => (await exported(hub)).includes('second words'), 10_000, 'the new description');
      // The process is still the same hub, answering.
      expect(hub.child.exitCode).toBeNull();
    } finally {
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
  });
});
