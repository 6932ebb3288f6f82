import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { Launcher } from 'chrome-launcher';
import type { AuditReply, AuditRequest } from './audit-worker.js';
import { CATEGORIES } from './scores.js';
import { startGuardedProxy, type Logger, type Refused, type UrlGuard } from '../../src/module-api.js';

/**
 * Debian's chromium as a headless audit browser in a container: no sandbox (no user namespaces there),
 * no GPU, and none of the background traffic (updates, sync, first-run pages) that would slow an audit
 * or show up in its network records. chrome-launcher adds its own defaults and a fresh user-data dir.
 */
export const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

/** Built output (dist) runs the compiled .js; tests and `tsx` run the .ts source, which Node 24 strips. */
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './audit-worker.ts' : './audit-worker.js',
  import.meta.url,
);

/** How long a killed Chromium may take to be reaped before we stop waiting for it. */
const EXIT_WAIT_MS = 5_000;

export type AuditFailureCode = 'TIMEOUT' | 'ABORTED' | 'CHROME' | 'LIGHTHOUSE';

export class AuditFailure extends Error {
  /** What the browser asked for and the guard refused during the audit. */
  blocked: Refused[] = [];

  constructor(
    message: string,
    readonly code: AuditFailureCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuditFailure';
  }
}

export interface AuditReports {
  json: string;
  html: string;
  durationMs: number;
  /** Requests of the browser the guard refused (a redirect to an internal address, sub-resources there). */
  blocked?: Refused[];
}

export interface AuditorOptions {
  chromePath: string;
  timeoutMs: number;
  logger: Logger;
  /** Every request Chromium makes goes through a proxy checking it with this guard (none: Chromium connects directly). */
  guard?: UrlGuard;
}

/**
 * Runs Lighthouse audits strictly one at a time: each in a fresh Chromium with a fresh profile, each
 * bounded by a timeout and the caller's signal, and each followed by killing that Chromium, also
 * when the audit failed or was given up. The next audit starts only once the previous browser is gone,
 * even when the previous caller stopped waiting early (a timeout answers at once; cleanup follows).
 */
export class Auditor {
  private tail: Promise<void> = Promise.resolve();
  private readonly shutdown = new AbortController();

  constructor(private readonly options: AuditorOptions) {}

  async audit(url: string, signal: AbortSignal): Promise<AuditReports> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    const combined = AbortSignal.any([signal, this.shutdown.signal]);
    let cleanup: Promise<void> = Promise.resolve();
    try {
      await raceWithLimits(previous, combined);
      // One proxy per audit, so what it refused belongs to this page; Chromium has no other way out.
      const proxy = this.options.guard ? await startGuardedProxy(this.options.guard) : null;
      const session = new AuditSession(url, this.options, proxy?.url);
      const running = session.run();
      const closing = proxy;
      // The browser must be gone before the next audit, however this one ends.
      cleanup = running
        .then(noop, noop)
        .then(() => session.dispose())
        .then(() => closing?.close());
      try {
        const reports = await raceWithLimits(running, combined, this.options.timeoutMs);
        return { ...reports, blocked: pageRequests(proxy?.refused ?? []) };
      } catch (error) {
        if (error instanceof AuditFailure) error.blocked = pageRequests(proxy?.refused ?? []);
        throw error;
      } finally {
        void session.dispose();
      }
    } finally {
      void Promise.all([previous, cleanup]).finally(release);
    }
  }

  /** Resolves when no audit runs and every browser started so far is gone. */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Gives up running and waiting audits and waits for their browsers to be killed. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    await this.tail;
  }
}

/** One Chromium and one worker thread for one URL. `dispose` may run at any point, more than once. */
class AuditSession {
  private readonly launcher: Launcher;
  private launching: Promise<void> | null = null;
  private worker: Worker | null = null;
  private disposed = false;
  private disposing: Promise<void> | null = null;
  /** Rejects when Chromium cannot be started or dies while starting. */
  private readonly startFailure: Promise<never>;

  constructor(
    private readonly url: string,
    private readonly options: AuditorOptions,
    proxyUrl?: string,
  ) {
    let fail!: (error: Error) => void;
    this.startFailure = new Promise<never>((_, reject) => {
      fail = reject;
    });
    this.startFailure.catch(noop);
    // chrome-launcher leaves the spawned process without an 'error' listener: a missing or unusable
    // CHROME_PATH would be an uncaught 'error' event and take the whole hub down. So we hand it a spawn
    // that listens, and that also tells us at once when Chromium dies while starting.
    const watchedSpawn = ((command: string, args: readonly string[], spawnOptions: object) => {
      const child: ChildProcess = spawn(command, args, spawnOptions);
      child.on('error', (error) => fail(error));
      child.once('exit', (code, signal) =>
        fail(new Error(`Chromium exited while starting (${signal ?? `exit code ${code}`})`)),
      );
      return child;
    }) as unknown as typeof spawn;
    this.launcher = new Launcher(
      {
        chromePath: options.chromePath,
        chromeFlags: [...CHROME_FLAGS, ...(proxyUrl ? proxyFlags(proxyUrl) : [])],
        logLevel: 'silent',
        // The hub handles signals; chrome-launcher's own SIGINT handler would exit the process.
        handleSIGINT: false,
        // Give up on a Chromium that does not answer well inside an audit's timeout (default 50 x 500 ms).
        maxConnectionRetries: 40,
        connectionPollInterval: 250,
      },
      { spawn: watchedSpawn },
    );
  }

  async run(): Promise<AuditReports> {
    const started = Date.now();
    const launching = this.launcher.launch();
    this.launching = launching.catch(noop);
    try {
      await Promise.race([launching, this.startFailure]);
    } catch (error) {
      throw new AuditFailure(`Chromium did not start (${this.options.chromePath}): ${messageOf(error)}`, 'CHROME', {
        cause: error,
      });
    }
    this.options.logger.debug('chromium started', { pid: this.launcher.pid, port: this.launcher.port, url: this.url });
    // Given up while Chromium was starting: dispose() kills it once the launch has settled.
    if (this.disposed) throw new AuditFailure('audit given up while Chromium started', 'ABORTED');
    const request: AuditRequest = {
      url: this.url,
      port: this.launcher.port!,
      categories: CATEGORIES.map((category) => category.id),
      // Leave Lighthouse time to score a slow page (it then warns) before our own timeout kills it.
      maxWaitForLoadMs: Math.min(45_000, Math.floor(this.options.timeoutMs / 2)),
    };
    const worker = new Worker(WORKER_URL, { workerData: request });
    this.worker = worker;
    const reply = await replyOf(worker);
    if (!reply.ok) {
      throw new AuditFailure(
        `Lighthouse failed${reply.code ? ` (${reply.code})` : ''}: ${reply.message}`,
        'LIGHTHOUSE',
      );
    }
    return { json: reply.json, html: reply.html, durationMs: Date.now() - started };
  }

  /** Stops the worker, kills Chromium and removes its profile; safe at any point and more than once. */
  dispose(): Promise<void> {
    this.disposed = true;
    this.disposing ??= (async () => {
      const worker = this.worker;
      this.worker = null;
      await worker?.terminate().catch(noop);
      await this.killChrome();
      // chrome-launcher keeps polling a Chromium that is starting, and reads files in its profile when it
      // gives up: removing the profile (launcher.kill) before the launch settles would crash the hub.
      await this.launching;
      await this.killChrome();
      this.launcher.kill();
    })();
    return this.disposing;
  }

  /** SIGKILLs Chromium's process group (it is started detached, as its leader) and waits until it is reaped. */
  private async killChrome(): Promise<void> {
    const chrome = this.launcher.chromeProcess;
    // No pid: the spawn itself failed and there is no process.
    if (!chrome || chrome.pid === undefined || chrome.exitCode !== null || chrome.signalCode !== null) return;
    try {
      process.kill(-chrome.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await Promise.race([once(chrome, 'exit'), delay(EXIT_WAIT_MS)]).catch(noop);
    this.options.logger.debug('chromium stopped', { pid: chrome.pid, url: this.url });
  }
}

/**
 * Every request through the guarded proxy: `<-loopback>` removes Chromium's built-in bypass for localhost
 * and 127.0.0.1, and WebRTC may not send UDP around the proxy.
 */
function proxyFlags(proxyUrl: string): string[] {
  return [
    `--proxy-server=${proxyUrl}`,
    '--proxy-bypass-list=<-loopback>',
    '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  ];
}

/**
 * Chromium's own background calls (network time, component updates, sign-in, optimisation hints) go
 * through the proxy too, whatever flags say, and are refused like anything else; they are left out of
 * what is reported as the page's refused requests, which would otherwise list them under every page.
 */
const BROWSER_SERVICE_HOSTS = new Set([
  'clients1.google.com',
  'clients2.google.com',
  'accounts.google.com',
  'update.googleapis.com',
  'optimizationguide-pa.googleapis.com',
  'safebrowsing.googleapis.com',
  'content-autofill.googleapis.com',
  'redirector.gvt1.com',
]);

function pageRequests(refused: readonly Refused[]): Refused[] {
  return refused.filter((entry) => {
    try {
      return !BROWSER_SERVICE_HOSTS.has(new URL(entry.url).hostname);
    } catch {
      return true;
    }
  });
}

function replyOf(worker: Worker): Promise<AuditReply> {
  return new Promise((resolve, reject) => {
    worker.once('message', (reply: AuditReply) => resolve(reply));
    // `on`, not `once`: an 'error' event without a listener would throw in the hub's main thread.
    worker.on('error', (error: Error) =>
      reject(new AuditFailure(`Lighthouse worker crashed: ${error.message}`, 'LIGHTHOUSE', { cause: error })),
    );
    worker.once('exit', (code) =>
      reject(new AuditFailure(`Lighthouse worker stopped (exit code ${code})`, 'LIGHTHOUSE')),
    );
  });
}

/** The work's own outcome, or a failure when the signal fires or the timeout (if any) passes, whichever is first. */
function raceWithLimits<T>(work: Promise<T>, signal: AbortSignal, timeoutMs?: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      action();
    };
    const onAbort = () => finish(() => reject(new AuditFailure('audit given up: the delivery was aborted', 'ABORTED')));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(
        () => finish(() => reject(new AuditFailure(`audit timed out after ${timeoutMs} ms`, 'TIMEOUT'))),
        timeoutMs,
      );
    }
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

function noop(): void {}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
