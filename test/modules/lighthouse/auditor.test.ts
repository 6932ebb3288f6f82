import { Writable } from 'node:stream';
import winston from 'winston';
import { AuditFailure, Auditor } from '../../../modules/lighthouse/auditor.js';
import { waitFor } from '../../support/hub.js';
import { HANGING_PATH, startPageServer, type PageServer } from './pages.js';

const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

interface LogEntry {
  message: string;
  pid?: number;
  url?: string;
}

/** A logger that keeps what the auditor says (at debug it names each Chromium's pid). */
function capturingLogger(): { logger: winston.Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: LogEntry, _encoding, callback) {
      entries.push(info);
      callback();
    },
  });
  return {
    logger: winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] }),
    entries,
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The audits here never finish: they hit a page that never loads, and are stopped by time or signal. */
describe('the auditor, stopping audits of a page that never loads', () => {
  let pages: PageServer;

  beforeAll(async () => {
    pages = await startPageServer();
  });
  afterAll(async () => {
    await pages.close();
  });

  it('gives up at its timeout and kills Chromium', async () => {
    const { logger, entries } = capturingLogger();
    const auditor = new Auditor({ chromePath: CHROME_PATH, timeoutMs: 2_500, logger });
    const started = Date.now();

    const failure = await auditor
      .audit(`${pages.url}${HANGING_PATH}`, new AbortController().signal)
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AuditFailure);
    expect(failure).toMatchObject({ code: 'TIMEOUT', message: 'audit timed out after 2500 ms' });
    expect(Date.now() - started).toBeLessThan(6_000);
    await auditor.idle();
    const pid = entries.find((entry) => entry.message === 'chromium started')?.pid;
    expect(pid).toEqual(expect.any(Number));
    expect(isAlive(pid!)).toBe(false);
    expect(entries.map((entry) => entry.message)).toEqual(['chromium started', 'chromium stopped']);
  }, 30_000);

  it('gives up when the delivery signal fires and kills Chromium', async () => {
    const { logger, entries } = capturingLogger();
    const auditor = new Auditor({ chromePath: CHROME_PATH, timeoutMs: 60_000, logger });
    const controller = new AbortController();

    const audit = auditor.audit(`${pages.url}${HANGING_PATH}`, controller.signal).catch((error: unknown) => error);
    const pid = await waitFor(
      () => entries.find((entry) => entry.message === 'chromium started')?.pid,
      15_000,
      'Chromium to start',
    );
    controller.abort();

    expect(await audit).toMatchObject({ code: 'ABORTED' });
    await auditor.idle();
    expect(isAlive(pid)).toBe(false);
  }, 30_000);

  it('runs one audit at a time: the second browser starts after the first is gone', async () => {
    const { logger, entries } = capturingLogger();
    const auditor = new Auditor({ chromePath: CHROME_PATH, timeoutMs: 2_500, logger });
    const signal = new AbortController().signal;

    const outcomes = await Promise.all([
      auditor.audit(`${pages.url}${HANGING_PATH}?first`, signal).catch((error: unknown) => error),
      auditor.audit(`${pages.url}${HANGING_PATH}?second`, signal).catch((error: unknown) => error),
    ]);
    await auditor.idle();

    expect(outcomes).toEqual([
      expect.objectContaining({ code: 'TIMEOUT' }),
      expect.objectContaining({ code: 'TIMEOUT' }),
    ]);
    expect(entries.map((entry) => `${entry.message} ${entry.url!.split('?')[1]}`)).toEqual([
      'chromium started first',
      'chromium stopped first',
      'chromium started second',
      'chromium stopped second',
    ]);
  }, 30_000);

  it('starts no browser for a delivery already given up', async () => {
    const { logger, entries } = capturingLogger();
    const auditor = new Auditor({ chromePath: CHROME_PATH, timeoutMs: 60_000, logger });

    await expect(auditor.audit(`${pages.url}/good`, AbortSignal.abort())).rejects.toMatchObject({ code: 'ABORTED' });
    await auditor.idle();
    expect(entries).toEqual([]);
  });

  it('reports a missing Chromium as a failed audit instead of crashing the hub', async () => {
    const { logger } = capturingLogger();
    const auditor = new Auditor({ chromePath: '/nonexistent/chromium', timeoutMs: 60_000, logger });

    await expect(auditor.audit(`${pages.url}/good`, new AbortController().signal)).rejects.toMatchObject({
      code: 'CHROME',
      message: expect.stringContaining('spawn /nonexistent/chromium ENOENT'),
    });
    await auditor.idle();
  }, 30_000);
});
