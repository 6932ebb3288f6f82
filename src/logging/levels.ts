import winston from 'winston';
import type { Logger } from './logger.js';
import { currentRequestId } from './request-context.js';

/** winston's npm levels, most severe first. */
export const LOG_LEVEL_NAMES = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export type AnyLogLevel = (typeof LOG_LEVEL_NAMES)[number];
export const ROOT_LOGGER = 'root';

export interface LoggerLevelView {
  name: string;
  /** The level set for this logger: the environment's for root, a run-time override, or null (inherits root). */
  configured: AnyLogLevel | null;
  /** What is logged now. */
  effective: AnyLogLevel;
  source: 'environment' | 'runtime' | 'inherited';
  /** When a run-time override reverts (ttlSeconds). */
  expiresAt: string | null;
}

const rank = (level: string) => LOG_LEVEL_NAMES.indexOf(level as AnyLogLevel);

/**
 * Levels of the one logger and its per-module children, changeable at run time. winston filters by level in
 * its transports, which only see the root's level; so the root logger is set to the most verbose level any
 * logger needs and a format at the head of its chain drops what a line's own logger (its `module` field)
 * does not want. The same format stamps the request id on every line logged while serving a request.
 */
export class LogLevels {
  private overrides = new Map<string, { level: AnyLogLevel; expiresAt: string | null }>();

  constructor(
    private readonly logger: Logger,
    private readonly environmentLevel: AnyLogLevel,
    private readonly moduleNames: () => string[],
  ) {
    const filter = winston.format((info) => {
      const requestId = currentRequestId();
      if (requestId !== undefined && info.requestId === undefined) info.requestId = requestId;
      const wanted = this.effective(typeof info.module === 'string' ? info.module : ROOT_LOGGER);
      return rank(info.level) <= rank(wanted) ? info : false;
    });
    logger.format = winston.format.combine(filter(), logger.format);
    this.apply();
  }

  effective(name: string): AnyLogLevel {
    const own = name === ROOT_LOGGER ? undefined : this.overrides.get(name)?.level;
    return own ?? this.overrides.get(ROOT_LOGGER)?.level ?? this.environmentLevel;
  }

  /** Replaces every override at once (as read from PostgreSQL). */
  replace(overrides: Array<{ name: string; level: string; expiresAt: string | null }>): void {
    this.overrides = new Map(
      overrides
        .filter((override) => rank(override.level) >= 0)
        .map((override) => [override.name, { level: override.level as AnyLogLevel, expiresAt: override.expiresAt }]),
    );
    this.apply();
  }

  list(): LoggerLevelView[] {
    const root = this.overrides.get(ROOT_LOGGER);
    const views: LoggerLevelView[] = [
      {
        name: ROOT_LOGGER,
        configured: root?.level ?? this.environmentLevel,
        effective: this.effective(ROOT_LOGGER),
        source: root ? 'runtime' : 'environment',
        expiresAt: root?.expiresAt ?? null,
      },
    ];
    for (const name of this.moduleNames()) {
      const own = this.overrides.get(name);
      views.push({
        name,
        configured: own?.level ?? null,
        effective: this.effective(name),
        source: own ? 'runtime' : 'inherited',
        expiresAt: own?.expiresAt ?? null,
      });
    }
    return views;
  }

  private apply(): void {
    const levels = [this.effective(ROOT_LOGGER), ...this.moduleNames().map((name) => this.effective(name))];
    this.logger.level = levels.reduce((most, level) => (rank(level) > rank(most) ? level : most), 'error');
  }
}
