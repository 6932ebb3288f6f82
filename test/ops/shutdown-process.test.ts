import { createTestDatabase } from '../support/database.js';
import { spawnHub, type HubProcess } from '../support/process-hub.js';

const ADMIN_TOKEN = 'admin-token-for-shutdown-test';

/** The admin shutdown in a hub run as users run it: the SIGTERM path, ending the process with 0. */
describe('POST /api/v1/admin/shutdown in a running process', () => {
  let database: { url: string; drop: () => Promise<void> };
  const processes: HubProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const hub of processes)
      if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
    await database.drop();
  });

  it('answers 202, stops gracefully and exits 0, while the other replica keeps serving', async () => {
    const keeper = await spawnHub({ DATABASE_URL: database.url, ADMIN_TOKEN });
    const leaver = await spawnHub({ DATABASE_URL: database.url, ADMIN_TOKEN, ADMIN_ALLOW_SHUTDOWN: 'true' });
    processes.push(keeper, leaver);
    const res = await fetch(`${leaver.url}/api/v1/admin/shutdown`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'moving to a new node' }),
    });
    expect(res.status).toBe(202);
    expect(await leaver.exited).toBe(0);
    expect(leaver.output()).toContain('shutdown requested over the admin API');
    expect(leaver.output()).toContain('moving to a new node');
    expect(leaver.output()).toContain('hub stopped');
    // The one that does not allow it refuses; it is still up.
    const refused = await fetch(`${keeper.url}/api/v1/admin/shutdown`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'no' }),
    });
    expect(refused.status).toBe(404);
    const heartbeat = await fetch(`${keeper.url}/api/v1/admin/heartbeat`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(((await heartbeat.json()) as { replicas: unknown[] }).replicas).toHaveLength(1);
    keeper.child.kill('SIGTERM');
    expect(await keeper.exited).toBe(0);
  }, 60_000);
});
