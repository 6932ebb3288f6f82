import winston from 'winston';
import type { Redactor } from './redact.js';

export type Logger = winston.Logger;

/**
 * One winston logger for the process. JSON lines when stdout is not a terminal (log shippers), short
 * readable lines when a person is watching. Every line passes through the redactor, messages and fields.
 */
export function createLogger(options: { level: string; redactor: Redactor; json?: boolean; silent?: boolean }): Logger {
  const redact = winston.format((info) => {
    for (const key of Object.keys(info)) {
      info[key] = options.redactor.redactDeep(info[key]);
    }
    return info;
  });
  const json = options.json ?? !process.stdout.isTTY;
  const formats = [
    winston.format.errors({ stack: false }),
    redact(),
    winston.format.timestamp(),
    json
      ? winston.format.json()
      : winston.format.printf((info) => {
          const { level, message, timestamp, module, ...rest } = info;
          const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
          return `${String(timestamp)} ${level.padEnd(5)} ${typeof module === 'string' ? `[${module}] ` : ''}${String(message)}${fields}`;
        }),
  ];
  return winston.createLogger({
    level: options.level,
    silent: options.silent ?? false,
    format: winston.format.combine(...formats),
    transports: [new winston.transports.Console()],
  });
}

/** A child logger whose every line names the module, with the same string used everywhere else. */
export function moduleLogger(logger: Logger, moduleName: string): Logger {
  return logger.child({ module: moduleName });
}
