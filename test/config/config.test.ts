import { coreSecrets, parseCoreConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/errors.js';
import { Hub } from '../../src/hub.js';
import { MODULES } from '../../modules/index.js';

describe('core configuration', () => {
  it('has working defaults with an empty environment', () => {
    const parsed = parseCoreConfig({}, '/srv/hub');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toMatchObject({
      port: 3010,
      dataDir: '/srv/hub/data',
      databaseUrl: undefined,
      logLevel: 'info',
      monitorKeyword: 'APPLICATION_STATUS: OK',
      disabledSubscribers: [],
      idempotencyWindowSeconds: 60,
    });
    expect(parsed.value.teams).toContainEqual({ match: 'team-kursinfo', team: 'team-kursinformation' });
  });

  it('takes DB_URL with DB_PASSWORD as the original did, and DEBUG=true as debug logging', () => {
    const parsed = parseCoreConfig({
      DB_URL: 'postgres://hub@db:5432/alvares',
      DB_PASSWORD: 's3cr3t-pw',
      DEBUG: 'true',
    });
    expect(parsed.ok && parsed.value.databaseUrl).toBe('postgres://hub:s3cr3t-pw@db:5432/alvares');
    expect(parsed.ok && parsed.value.logLevel).toBe('debug');
  });

  it('prefers DATABASE_URL and LOG_LEVEL', () => {
    const parsed = parseCoreConfig({
      DATABASE_URL: 'postgres://a@b/c',
      DB_URL: 'postgres://x@y/z',
      LOG_LEVEL: 'WARN',
      DEBUG: 'true',
    });
    expect(parsed.ok && parsed.value.databaseUrl).toBe('postgres://a@b/c');
    expect(parsed.ok && parsed.value.logLevel).toBe('warn');
  });

  it('lists every problem at once', () => {
    const parsed = parseCoreConfig({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      ACTIVE_APP_HOST: 'not a url',
      DEBUG: 'maybe',
      DELIVERY_MAX_ATTEMPTS_SLACK: 'many',
      TEAMS: 'a=b=c',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const names = parsed.problems.map((problem) => problem.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['PORT', 'LOG_LEVEL', 'ACTIVE_APP_HOST', 'DEBUG', 'DELIVERY_MAX_ATTEMPTS_SLACK', 'TEAMS']),
    );
  });

  it('reads per-module delivery overrides', () => {
    const parsed = parseCoreConfig({ DELIVERY_MAX_ATTEMPTS_SLACK: '3', DELIVERY_TIMEOUT_MS_LIGHTHOUSE: '120000' });
    expect(parsed.ok && parsed.value.deliveryOverrides).toEqual({
      slack: { maxAttempts: 3 },
      lighthouse: { timeoutMs: 120000 },
    });
  });

  it('collects the database password and admin token as secrets', () => {
    const env = { DATABASE_URL: 'postgres://hub:pa%24%24word@db/x', ADMIN_TOKEN: 'a-very-long-admin-token' };
    const parsed = parseCoreConfig(env);
    if (!parsed.ok) throw new Error('config');
    expect(coreSecrets(parsed.value, env)).toEqual(expect.arrayContaining(['a-very-long-admin-token', 'pa$$word']));
  });

  it('refuses a short admin token', () => {
    const parsed = parseCoreConfig({ ADMIN_TOKEN: 'short' });
    expect(parsed.ok).toBe(false);
  });
});

describe('hub construction', () => {
  it('stops with one ConfigError listing all problems', () => {
    let caught: unknown;
    try {
      new Hub({ env: { PORT: '-1', GRAYLOG_HOST: 'ftp://x' }, modules: MODULES });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.length).toBeGreaterThanOrEqual(2);
    expect((caught as Error).message).toMatch(/PORT.*\n.*GRAYLOG_HOST/s);
  });

  it('refuses a module list with duplicate names or unknown event types', () => {
    const [database] = MODULES;
    expect(() => new Hub({ env: {}, modules: [database!, database!] })).toThrow(/listed twice/);
    expect(() => new Hub({ env: {}, modules: [{ ...database!, name: 'odd', events: ['deploy' as never] }] })).toThrow(
      /unknown event type "deploy"/,
    );
  });

  it('refuses a per-module delivery override naming no module, and accepts one that does', () => {
    expect(() => new Hub({ env: { DELIVERY_MAX_ATTEMPTS_SLAK: '3' }, modules: MODULES })).toThrow(
      /DELIVERY_MAX_ATTEMPTS_SLAK: no module of that name \(known: DATABASE, SLACK,/,
    );
    expect(() => new Hub({ env: { DELIVERY_MAX_ATTEMPTS_SLACK: '3' }, modules: MODULES })).not.toThrow();
  });
});
