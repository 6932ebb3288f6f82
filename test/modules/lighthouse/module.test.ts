import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { parseCoreConfig } from '../../../src/config/config.js';
import type { ModuleContext } from '../../../src/module-system/contract.js';
import { resolveDisabled } from '../../../src/module-system/registry.js';
import {
  DEFAULT_CHROME_PATH,
  lighthouseConfigSchema,
  type LighthouseConfig,
} from '../../../modules/lighthouse/config.js';
import { lighthouseModule } from '../../../modules/lighthouse/index.js';

function config(env: Record<string, string>): LighthouseConfig {
  return lighthouseConfigSchema.parse(env);
}

describe('the lighthouse module definition', () => {
  it('runs its deliveries one at a time with a timeout long enough for a few audits', () => {
    expect(lighthouseModule).toMatchObject({
      name: 'lighthouse',
      events: ['deployment'],
      serial: true,
      delivery: { timeoutMs: 180_000 },
    });
  });

  it('is turned off by the names the original used for it', () => {
    expect(resolveDisabled([lighthouseModule], ['modules.subscribers.lighthouse']).disabled).toEqual(
      new Set(['lighthouse']),
    );
    expect(resolveDisabled([lighthouseModule], ['lighthouse']).disabled).toEqual(new Set(['lighthouse']));
  });

  it('reads its defaults and its environment', () => {
    expect(config({})).toEqual({
      chromePath: DEFAULT_CHROME_PATH,
      timeoutMs: 60_000,
      allowedHosts: [],
      keepReports: 5,
      maxUrls: 5,
      legacyImage: undefined,
    });
    expect(
      config({
        CHROME_PATH: '/opt/chromium/chrome',
        LIGHTHOUSE_TIMEOUT_MS: '90000',
        LIGHTHOUSE_ALLOWED_HOSTS: 'docs.example.test, intranet.example.test:8443',
        LIGHTHOUSE_KEEP_REPORTS: '3',
        LIGHTHOUSE_MAX_URLS: '2',
        LIGHTHOUSE_IMAGE: 'kthse/lighthouse:latest',
      }),
    ).toEqual({
      chromePath: '/opt/chromium/chrome',
      timeoutMs: 90_000,
      allowedHosts: [
        { hostname: 'docs.example.test', port: 'default' },
        { hostname: 'intranet.example.test', port: 8443 },
      ],
      keepReports: 3,
      maxUrls: 2,
      legacyImage: 'kthse/lighthouse:latest',
    });
  });

  it('names every bad value at once', () => {
    const parsed = lighthouseConfigSchema.safeParse({ LIGHTHOUSE_TIMEOUT_MS: 'soon', LIGHTHOUSE_KEEP_REPORTS: '0' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path.join('.'))).toEqual([
      'LIGHTHOUSE_TIMEOUT_MS',
      'LIGHTHOUSE_KEEP_REPORTS',
    ]);
  });

  it('is off, saying why, when there is no Chromium at CHROME_PATH', () => {
    expect(lighthouseModule.enablement!(config({ CHROME_PATH: '/nonexistent/chromium' }))).toEqual({
      enabled: false,
      reason: 'Chromium not found at /nonexistent/chromium (install chromium or set CHROME_PATH)',
    });
    expect(lighthouseModule.enablement!(config({ CHROME_PATH: os.tmpdir() }))).toMatchObject({ enabled: false });
  });

  describe('when created', () => {
    let dataDir: string;
    beforeEach(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'lighthouse-module-'));
    });
    afterEach(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    function create(env: Record<string, string>, coreEnv: Record<string, string> = {}) {
      const lines: Array<{ level: string; message: string }> = [];
      const stream = new Writable({
        objectMode: true,
        write(info: { level: string; message: string }, _encoding, callback) {
          lines.push(info);
          callback();
        },
      });
      const logger = winston.createLogger({ level: 'info', transports: [new winston.transports.Stream({ stream })] });
      const core = parseCoreConfig(coreEnv);
      if (!core.ok) throw new Error(core.problems.join('\n'));
      const context = {
        name: 'lighthouse',
        config: config(env),
        core: core.value,
        logger,
        dataDir,
      } as unknown as ModuleContext<LighthouseConfig>;
      const instance = lighthouseModule.create(context);
      return { instance, lines };
    }

    it('accepts LIGHTHOUSE_IMAGE and warns, once, that it is ignored', async () => {
      const { instance, lines } = create(
        { LIGHTHOUSE_IMAGE: 'kthse/lighthouse:1.0' },
        { ACTIVE_APP_HOST: 'https://app.example.test' },
      );
      expect(lines.filter((line) => line.message.includes('LIGHTHOUSE_IMAGE'))).toEqual([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining('LIGHTHOUSE_IMAGE is ignored') }),
      ]);
      await instance.stop?.();
    });

    it('warns when no host at all may be audited', async () => {
      const { instance, lines } = create({});
      expect(lines).toEqual([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining('no host may be audited') }),
      ]);
      await instance.stop?.();
    });
  });
});
