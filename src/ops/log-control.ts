import {
  LOG_LEVEL_NAMES,
  ROOT_LOGGER,
  type AnyLogLevel,
  type LogLevels,
  type LoggerLevelView,
} from '../logging/levels.js';
import type { Logger } from '../logging/logger.js';
import type { ControlChannel } from '../store/control-channel.js';
import { notifyControl } from '../store/control-channel.js';
import type { Db } from '../store/db.js';
import { activeLevelOverrides, setLevelOverride } from '../store/ops-repo.js';

/** A missed notification (a dropped connection) is made good this often. */
const POLL_MS = 15_000;

/**
 * Log levels set at run time, the same on every replica: kept in ops_log_levels, re-read by every hub when
 * one of them changes it (NOTIFY), at each override's expiry, and every 15 s in case a notification was lost.
 */
export class LogControl {
  private expiry: NodeJS.Timeout | null = null;
  private poll: NodeJS.Timeout | null = null;
  private loading: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly channel: ControlChannel,
    private readonly levels: LogLevels,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.channel.on('log-levels', () => void this.reload());
    this.channel.on('reconnected', () => void this.reload());
    await this.reload();
    this.poll = setInterval(() => void this.reload(), POLL_MS);
    this.poll.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.expiry) clearTimeout(this.expiry);
  }

  list(): LoggerLevelView[] {
    return this.levels.list();
  }

  has(name: string): boolean {
    return this.levels.list().some((view) => view.name === name);
  }

  /** Sets (or with `level: null` clears) a logger's level on every replica; in force here before this resolves. */
  async set(name: string, level: AnyLogLevel | null, ttlSeconds: number | null): Promise<LoggerLevelView> {
    await setLevelOverride(this.db, name, level, level === null ? null : ttlSeconds);
    await notifyControl(this.db.pool, 'log-levels');
    await this.reload();
    this.logger.info('log level changed', { logger: name, level, ttlSeconds });
    return this.levels.list().find((view) => view.name === name)!;
  }

  /** One read at a time; a change arriving during a read is picked up by the read after it. */
  reload(): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        const overrides = await activeLevelOverrides(this.db);
        this.levels.replace(overrides);
        this.scheduleExpiry(overrides.map((override) => override.expiresAt).filter((at): at is string => at !== null));
      } catch (error) {
        this.logger.warn('could not read log levels', { error: String(error) });
      }
    };
    const next = (this.loading ?? Promise.resolve()).then(run);
    this.loading = next.finally(() => {
      if (this.loading === next) this.loading = null;
    });
    return next;
  }

  private scheduleExpiry(expiries: string[]): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    if (expiries.length === 0 || this.stopped) return;
    const soonest = Math.min(...expiries.map((at) => Date.parse(at)));
    // A few ms past the expiry, so PostgreSQL's now() is past it too.
    this.expiry = setTimeout(() => void this.reload(), Math.max(0, soonest - Date.now()) + 20);
    this.expiry.unref();
  }
}

export { LOG_LEVEL_NAMES, ROOT_LOGGER };
