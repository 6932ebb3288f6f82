import dotenv from 'dotenv';
import { ConfigError } from './errors.js';
import { Hub } from './hub.js';
import { MODULES } from '../modules/index.js';

/** The process: build the hub from the environment, start it, and stop it cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  let hub: Hub;
  try {
    // The admin API's shutdown takes the SIGTERM path: the same graceful stop, then the process exits.
    hub = new Hub({ env: process.env, modules: MODULES, onShutdownRequest: () => shutdown('admin API') });
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) {
      hub.logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    hub.logger.info('signal received', { signal });
    hub.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        hub.logger.error('stop failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // The configuration file read again; a bad one changes nothing (the reload says why in the log).
  process.on('SIGHUP', () => {
    hub.logger.info('signal received', { signal: 'SIGHUP' });
    void hub.reloadConfig('SIGHUP').catch(() => undefined);
  });
  try {
    await hub.start();
  } catch (error) {
    hub.logger.error('start failed', { error: error instanceof Error ? error.message : String(error) });
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    await hub.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
