import os from 'node:os';
import { MODULES } from '../../modules/index.js';
import type { ModuleChanged } from '../../src/stream/hub-stream.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment } from '../support/aspen.js';
import { capturedLogger } from '../support/captured-logger.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../support/hub.js';

const ADMIN_TOKEN = 'admin-token-for-ops-tests';
const SECRET = 'whsec-do-not-print-me-123';

/**
 * Run-time control over HTTP with two replicas (two hubs on one PostgreSQL): what is set on one is in force
 * on the other, without a restart.
 */
describe('run-time control across two replicas', () => {
  let a: TestHub;
  let b: TestHub;
  const logsA = capturedLogger('info');
  const logsB = capturedLogger('info');
  const receiver = new FakeSubscriber();

  beforeAll(async () => {
    await receiver.start();
    a = await startTestHub({ env: { ADMIN_TOKEN }, logger: logsA.logger });
    b = await startTestHub({ env: { ADMIN_TOKEN }, logger: logsB.logger, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await receiver.stop();
  });

  const call = async (
    hub: TestHub,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  };
  const levelOf = async (hub: TestHub, name: string) =>
    (
      (await call(hub, 'GET', '/api/v1/admin/loggers')).body.loggers as Array<{
        name: string;
        effective: string;
        configured: string | null;
        source: string;
      }>
    ).find((view) => view.name === name)!;

  describe('log levels', () => {
    it('lists root and every module with configured and effective levels', async () => {
      const res = await call(a, 'GET', '/api/v1/admin/loggers');
      expect(res.status).toBe(200);
      expect(res.body.loggers[0]).toEqual({
        name: 'root',
        configured: 'info',
        effective: 'info',
        source: 'environment',
        expiresAt: null,
      });
      expect(res.body.loggers.map((view: { name: string }) => view.name)).toEqual([
        'root',
        ...MODULES.map((definition) => definition.name),
      ]);
      expect(res.body.loggers[1]).toEqual({
        name: MODULES[0]!.name,
        configured: null,
        effective: 'info',
        source: 'inherited',
        expiresAt: null,
      });
      expect((await fetch(`${a.url}/api/v1/admin/loggers`)).status).toBe(401);
    });

    it('sets a module level on every replica at once and reverts it after ttlSeconds', async () => {
      const probe = () => b.hub.logger.child({ module: 'slack' }).debug('slack debug probe');
      probe();
      expect(logsB.text()).not.toContain('slack debug probe');

      const set = await call(a, 'PUT', '/api/v1/admin/loggers/slack', { level: 'debug', ttlSeconds: 2 });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ name: 'slack', configured: 'debug', effective: 'debug', source: 'runtime' });
      expect(Date.parse(set.body.expiresAt) - Date.now()).toBeGreaterThan(1_000);
      // The other replica hears of it through NOTIFY, well inside a second.
      await waitFor(async () => (await levelOf(b, 'slack')).effective === 'debug', 1_000, 'debug on replica B');
      probe();
      expect(logsB.text()).toContain('slack debug probe');
      // Root and the other modules are untouched.
      b.hub.logger.child({ module: 'webhook' }).debug('webhook debug probe');
      expect(logsB.text()).not.toContain('webhook debug probe');
      expect((await levelOf(b, 'root')).effective).toBe('info');

      await waitFor(
        async () =>
          (await levelOf(b, 'slack')).effective === 'info' && (await levelOf(a, 'slack')).effective === 'info',
        5_000,
        'the level reverted',
      );
      const before = logsB.text().split('slack debug probe').length;
      probe();
      expect(logsB.text().split('slack debug probe').length).toBe(before);
    });

    it('resets with level null, and refuses an unknown level or logger naming the field', async () => {
      expect((await call(a, 'PUT', '/api/v1/admin/loggers/root', { level: 'warn' })).body).toMatchObject({
        configured: 'warn',
        effective: 'warn',
        source: 'runtime',
        expiresAt: null,
      });
      await waitFor(async () => (await levelOf(b, 'webhook')).effective === 'warn', 1_000, 'modules inherit root on B');
      b.hub.logger.info('info line while root is warn');
      expect(logsB.text()).not.toContain('info line while root is warn');

      expect((await call(a, 'PUT', '/api/v1/admin/loggers/root', { level: null })).body).toMatchObject({
        configured: 'info',
        effective: 'info',
        source: 'environment',
      });
      await waitFor(async () => (await levelOf(b, 'root')).effective === 'info', 1_000, 'root reset on B');

      const bad = await call(a, 'PUT', '/api/v1/admin/loggers/root', { level: 'loud' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields.map((field: { field: string }) => field.field)).toEqual(['level']);
      const ttl = await call(a, 'PUT', '/api/v1/admin/loggers/root', { level: 'debug', ttlSeconds: 0 });
      expect(ttl.body.error.fields.map((field: { field: string }) => field.field)).toEqual(['ttlSeconds']);
      expect((await call(a, 'PUT', '/api/v1/admin/loggers/nobody', { level: 'debug' })).status).toBe(404);
    });
  });

  describe('heartbeat', () => {
    it('lists every replica seen in the last minute with its figures', async () => {
      const res = await call(b, 'GET', '/api/v1/admin/heartbeat');
      expect(res.status).toBe(200);
      expect(res.body.replicas).toHaveLength(2);
      for (const replica of res.body.replicas) {
        expect(Object.keys(replica).sort()).toEqual(
          [
            'activeDeliveries',
            'cpuPercent',
            'eventLoopLagMs',
            'heapUsedBytes',
            'host',
            'hubId',
            'lastHeartbeatAt',
            'queueDepth',
            'rssBytes',
            'startedAt',
            'uptimeSeconds',
            'version',
          ].sort(),
        );
        expect(replica).toMatchObject({ host: os.hostname(), version: '0.1.0', activeDeliveries: 0, queueDepth: 0 });
        expect(replica.rssBytes).toBeGreaterThan(10_000_000);
        expect(replica.heapUsedBytes).toBeGreaterThan(1_000_000);
        expect(replica.cpuPercent).toBeGreaterThanOrEqual(0);
        expect(replica.eventLoopLagMs).toBeGreaterThanOrEqual(0);
        expect(replica.uptimeSeconds).toBeGreaterThanOrEqual(0);
        expect(Date.now() - Date.parse(replica.lastHeartbeatAt)).toBeLessThan(10_000);
      }
      expect(new Set(res.body.replicas.map((replica: { hubId: string }) => replica.hubId)).size).toBe(2);

      // A replica silent for 30 s is still listed (seen within the minute); one silent for 90 s is not.
      await a.hub.db.query(
        `insert into hub_instances (id, heartbeat_at, started_at, host, version) values
           ('quiet-30', now() - interval '30 seconds', now() - interval '1 hour', 'gone-host', '0.0.9'),
           ('quiet-90', now() - interval '90 seconds', now() - interval '1 hour', 'gone-host', '0.0.9')`,
      );
      const ids = (await call(a, 'GET', '/api/v1/admin/heartbeat')).body.replicas.map(
        (replica: { hubId: string }) => replica.hubId,
      );
      expect(ids).toContain('quiet-30');
      expect(ids).not.toContain('quiet-90');
      await a.hub.db.query(`delete from hub_instances where id like 'quiet-%'`);
    });
  });

  describe('module configuration', () => {
    const path = '/api/v1/admin/modules/webhook/config';

    it('shows the environment values, refuses what the module schema refuses naming the field', async () => {
      const view = await call(a, 'GET', path);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({
        module: 'webhook',
        source: 'environment',
        values: { WEBHOOK_URL: null, WEBHOOK_SECRET: null },
        overridden: [],
      });
      expect(view.body.status).toMatchObject({ name: 'webhook', enabled: false, configured: false });

      const badUrl = await call(a, 'PUT', path, { WEBHOOK_URL: 'not a url' });
      expect(badUrl.status).toBe(400);
      expect(badUrl.body.error.fields.map((field: { field: string }) => field.field)).toEqual(['WEBHOOK_URL']);
      const unknown = await call(a, 'PUT', path, { WEBHOOK_URLS: 'http://x' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.fields.map((field: { field: string }) => field.field)).toEqual(['WEBHOOK_URLS']);
      expect((await call(a, 'PUT', path, ['WEBHOOK_URL'])).status).toBe(400);
      expect((await call(a, 'GET', '/api/v1/admin/modules/nothing/config')).status).toBe(404);
      expect((await fetch(`${a.url}${path}`)).status).toBe(401);
    });

    it('sets values at run time, restarting only that module on every replica, secrets hidden, every change recorded', async () => {
      const changed: ModuleChanged[] = [];
      const off = b.hub.stream.on('module.changed', (item) => changed.push(item));
      const put = await call(a, 'PUT', path, { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET });
      expect(put.status).toBe(200);
      expect(put.body.change).toMatchObject({
        module: 'webhook',
        action: 'set',
        keys: ['WEBHOOK_SECRET', 'WEBHOOK_URL'],
      });
      expect(put.body.config).toMatchObject({
        source: 'runtime',
        values: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: '***' },
        overridden: ['WEBHOOK_SECRET', 'WEBHOOK_URL'],
      });
      expect(put.body.config.status.enabled).toBe(true);
      expect(put.text).not.toContain(SECRET);

      // Replica B restarts the module with it: on, and its deliveries are signed with the new secret.
      await waitFor(async () => (await call(b, 'GET', path)).body.status.enabled === true, 2_000, 'webhook on at B');
      off();
      expect(changed.map((item) => item.module)).toEqual(['webhook']);
      const modules = (await call(b, 'GET', '/api/v1/modules')).body.modules as Array<{
        name: string;
        enabled: boolean;
      }>;
      expect(modules.find((module) => module.name === 'database')!.enabled).toBe(true);
      const viewB = await call(b, 'GET', path);
      expect(viewB.body.values.WEBHOOK_SECRET).toBe('***');
      expect(viewB.text).not.toContain(SECRET);

      const event = await fetch(`${b.url}/api/v1/deployment`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(aspenDeployment({ version: 'config-1' })),
      });
      expect(event.status).toBe(200);
      await waitForQuiet(b);
      const request = receiver.received.at(-1)!;
      expect(request.headers['x-alvares-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);

      // `***` sent back keeps the secret; only the key that changed is recorded.
      const again = await call(b, 'PUT', path, { WEBHOOK_URL: `${receiver.url}?v=2`, WEBHOOK_SECRET: '***' });
      expect(again.status).toBe(200);
      expect(again.body.change.keys).toEqual(['WEBHOOK_URL']);
      expect(again.body.change.requestId).toEqual(again.headers.get('x-request-id'));

      const log = await call(a, 'GET', '/api/v1/admin/config-changes?module=webhook');
      expect(
        log.body.changes.map((change: { action: string; keys: string[] }) => [change.action, change.keys]),
      ).toEqual([
        ['set', ['WEBHOOK_URL']],
        ['set', ['WEBHOOK_SECRET', 'WEBHOOK_URL']],
      ]);
      expect(log.text).not.toContain(SECRET);
      const stored = await a.hub.db.query<{ row: string }>(
        `select row_to_json(c)::text as row from ops_config_changes c`,
      );
      expect(stored.rows.map((row) => row.row).join('\n')).not.toContain(SECRET);
      expect(logsA.text() + logsB.text()).not.toContain(SECRET);
    });

    it('DELETE goes back to the environment on every replica', async () => {
      const reset = await call(a, 'DELETE', path);
      expect(reset.status).toBe(200);
      expect(reset.body.change).toMatchObject({ action: 'reset', keys: ['WEBHOOK_SECRET', 'WEBHOOK_URL'] });
      expect(reset.body.config).toMatchObject({ source: 'environment', values: { WEBHOOK_URL: null }, overridden: [] });
      await waitFor(async () => (await call(b, 'GET', path)).body.status.enabled === false, 2_000, 'webhook off at B');
      expect(
        (await call(b, 'GET', '/api/v1/modules')).body.modules.find(
          (module: { name: string }) => module.name === 'webhook',
        ).reason,
      ).toBe('WEBHOOK_URL is not set');
    });
  });

  describe('request ids', () => {
    it('takes X-Request-Id, echoes it, puts it in error bodies and in every log line of the request', async () => {
      const ok = await call(
        a,
        'PUT',
        '/api/v1/admin/loggers/webhook',
        { level: 'info' },
        { 'x-request-id': 'req-from-caller-1' },
      );
      expect(ok.headers.get('x-request-id')).toBe('req-from-caller-1');
      const line = logsA.lines().find((entry) => entry.message === 'log level changed' && entry.logger === 'webhook');
      expect(line?.requestId).toBe('req-from-caller-1');

      const missing = await call(a, 'GET', '/api/v1/events/00000000-0000-0000-0000-000000000000', undefined, {
        'x-request-id': 'req-from-caller-2',
      });
      expect(missing.status).toBe(404);
      expect(missing.body.error.requestId).toBe('req-from-caller-2');

      const made = await call(a, 'GET', '/health');
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      // A header that is not a plain token is replaced, not echoed into logs.
      const hostile = await call(a, 'GET', '/health', undefined, { 'x-request-id': 'bad id with spaces' });
      expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      await call(a, 'PUT', '/api/v1/admin/loggers/webhook', { level: null });
    });

    it('writes an access line per request carrying the id when the root level is debug', async () => {
      await call(a, 'PUT', '/api/v1/admin/loggers/root', { level: 'debug', ttlSeconds: 60 });
      await call(a, 'GET', '/api/v1/schedules', undefined, { 'x-request-id': 'req-access-line' });
      await waitFor(
        () => logsA.lines().some((entry) => entry.message === 'request' && entry.requestId === 'req-access-line'),
        2_000,
        'the access line',
      );
      const line = logsA.lines().find((entry) => entry.message === 'request' && entry.requestId === 'req-access-line')!;
      expect(line).toMatchObject({ level: 'http', method: 'GET', route: '/api/v1/schedules', status: 200 });
      await call(a, 'PUT', '/api/v1/admin/loggers/root', { level: null });
    });
  });

  describe('shutdown', () => {
    it('is 404 unless ADMIN_ALLOW_SHUTDOWN=true', async () => {
      const res = await call(a, 'POST', '/api/v1/admin/shutdown', { reason: 'test' });
      expect(res.status).toBe(404);
    });

    it('answers 202 and stops that replica gracefully while the other serves on', async () => {
      const c = await startTestHub({ env: { ADMIN_TOKEN, ADMIN_ALLOW_SHUTDOWN: 'true' }, databaseUrl: a.databaseUrl });
      try {
        expect((await call(c, 'POST', '/api/v1/admin/shutdown', {})).status).toBe(400);
        const res = await call(c, 'POST', '/api/v1/admin/shutdown', { reason: 'rolling restart' });
        expect(res.status).toBe(202);
        expect(res.body).toMatchObject({ status: 'stopping', reason: 'rolling restart' });
        await waitFor(
          async () =>
            !(await fetch(`${c.url}/health`).then(
              () => true,
              () => false,
            )),
          10_000,
          'replica C closed',
        );
        // Its last act is to leave the replica list, after draining its deliveries and stopping its modules.
        const ids = () =>
          call(a, 'GET', '/api/v1/admin/heartbeat').then(
            (list) => list.body.replicas.map((replica: { hubId: string }) => replica.hubId) as string[],
          );
        await waitFor(async () => !(await ids()).includes(res.body.hubId), 10_000, 'C gone from the heartbeat list');
        expect(await ids()).toHaveLength(2);
        expect((await fetch(`${a.url}/health`)).status).toBe(200);
      } finally {
        await c.stop();
      }
    });
  });
});
