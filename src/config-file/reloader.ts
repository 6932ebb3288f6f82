import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigDiff } from './state.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { LoadedConfig, LoadResult } from './load.js';
import { describePlace, type ConfigProblem } from './problems.js';

/**
 * The file is looked at this often besides the watcher's notices: a watcher misses changes on some file systems
 * (network mounts, a ConfigMap's symlink swap), and a change must be live within 10 s.
 */
const POLL_MS = 2_000;
/** Editors write a file in steps: a burst of notices is read once, after it settles. */
const SETTLE_MS = 150;

export interface ReloadState {
  /** The last load: good (and applied) or not. */
  ok: boolean;
  at: Date | null;
  /** The configuration in force: the last good file's hash. */
  hash: string | null;
  /** The last load's problems (none when it was good). */
  problems: ConfigProblem[];
}

export interface ReloadOutcome {
  ok: boolean;
  problems: ConfigProblem[];
  hash: string | null;
  diff: ConfigDiff | null;
}

/** A problem as one line: `file:line:column: path: message`. */
export function describeProblem(problem: ConfigProblem): string {
  const where = problem.path.length > 0 ? ` ${problem.path.join('.')}:` : '';
  return `${describePlace(problem)}:${where} ${problem.message}`;
}

/**
 * `ALVARES_CONFIG` kept live: loaded and applied at start (an invalid file stops start-up with every problem),
 * then reloaded when the file changes (watched and polled), on SIGHUP and on `POST /api/v1/admin/config/reload`.
 * A reload that fails changes nothing: the last good configuration stays, and the state says what is wrong.
 */
export class ConfigReloader {
  private state: ReloadState = { ok: true, at: null, hash: null, problems: [] };
  private current: LoadedConfig | null = null;
  private seen: string | null = null;
  private running: Promise<ReloadOutcome> | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private settle: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      path: string;
      load: (pathOrDir: string) => Promise<LoadResult>;
      apply: (config: LoadedConfig) => Promise<ConfigDiff>;
      logger: Logger;
      /** Told after every attempt (the heartbeat carries the hash and the problem). */
      onAttempt?: (state: ReloadState) => void;
    },
  ) {}

  get path(): string {
    return this.deps.path;
  }

  get status(): ReloadState {
    return this.state;
  }

  /** The configuration in force, as last loaded from a good file. */
  get config(): LoadedConfig | null {
    return this.current;
  }

  /** Loads and applies the file; every problem stops start-up at once. */
  async start(): Promise<void> {
    const outcome = await this.reload('start');
    if (!outcome.ok)
      throw new ConfigError(outcome.problems.map((problem) => `ALVARES_CONFIG ${describeProblem(problem)}`));
    this.watch();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    if (this.settle) clearTimeout(this.settle);
    this.timer = null;
  }

  /** One load at a time: a request arriving during a load waits for it and loads again. */
  reload(reason: string): Promise<ReloadOutcome> {
    const next = (this.running ?? Promise.resolve(null)).then(() => this.load(reason));
    this.running = next;
    void next.finally(() => {
      if (this.running === next) this.running = null;
    });
    return next;
  }

  private async load(reason: string): Promise<ReloadOutcome> {
    this.seen = await this.fingerprint().catch(() => null);
    const result = await this.deps.load(this.deps.path);
    if (!result.ok) return this.failed(reason, result.problems);
    try {
      const diff = await this.deps.apply(result.config);
      this.current = result.config;
      this.state = { ok: true, at: new Date(), hash: result.config.hash, problems: [] };
      this.deps.logger.info('configuration file loaded', { reason, file: this.deps.path, hash: result.config.hash });
      this.deps.onAttempt?.(this.state);
      return { ok: true, problems: [], hash: result.config.hash, diff };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      return this.failed(reason, [
        { file: this.deps.path, line: 1, column: 1, path: [], message: `not applied: ${message}` },
      ]);
    }
  }

  private failed(reason: string, problems: ConfigProblem[]): ReloadOutcome {
    this.state = { ok: false, at: new Date(), hash: this.state.hash, problems };
    this.deps.logger.warn('configuration file not loaded: the last good configuration stays', {
      reason,
      file: this.deps.path,
      problems: problems.map(describeProblem),
    });
    this.deps.onAttempt?.(this.state);
    return { ok: false, problems, hash: this.state.hash, diff: null };
  }

  private watch(): void {
    const changed = () => {
      if (this.settle) clearTimeout(this.settle);
      this.settle = setTimeout(() => void this.reloadIfChanged(), SETTLE_MS);
      this.settle.unref();
    };
    try {
      // The directory, not the file: editors and ConfigMaps replace the file, and a watcher on it goes deaf.
      const target = this.deps.path;
      this.watcher = watch(target, { persistent: false }, changed);
      this.watcher.on('error', () => undefined);
      void stat(target).then((found) => {
        if (found.isDirectory() || !this.watcher) return;
        this.watcher.close();
        this.watcher = watch(path.dirname(target), { persistent: false }, changed);
        this.watcher.on('error', () => undefined);
      });
    } catch {
      // The poll below still sees changes.
    }
    this.timer = setInterval(() => void this.reloadIfChanged(), POLL_MS);
    this.timer.unref();
  }

  private async reloadIfChanged(): Promise<void> {
    const now = await this.fingerprint().catch(() => null);
    if (now === this.seen || this.running) return;
    await this.reload('file changed');
  }

  /** The texts of the file (or the directory's YAML files), hashed: a touch without a change reloads nothing. */
  private async fingerprint(): Promise<string> {
    const hash = createHash('sha256');
    const found = await stat(this.deps.path);
    const files = found.isDirectory()
      ? (await readdir(this.deps.path))
          .filter((name) => /\.ya?ml$/i.test(name))
          .sort()
          .map((name) => path.join(this.deps.path, name))
      : [this.deps.path];
    for (const file of files)
      hash
        .update(file)
        .update('\u0000')
        .update(await readFile(file))
        .update('\u0000');
    return hash.digest('hex');
  }
}
