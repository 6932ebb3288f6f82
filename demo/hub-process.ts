import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const STOP_TIMEOUT_MS = 30_000;

export interface HubProcess {
  url: string;
  logPath: string;
  /** Resolves with the exit code (or signal) once the hub has ended. */
  exited: Promise<number | string>;
  /** SIGTERM (the hub's graceful stop), then SIGKILL to its group if it has not ended in 30 s. */
  stop(): Promise<void>;
}

/**
 * A hub as users run it (`src/main.ts` under tsx), on its embedded PostgreSQL under `dataDir`, its log appended
 * to `dataDir/hub.log`. It runs in `dataDir` with only the environment given (plus PATH and HOME), so neither a
 * `.env` in the checkout nor the shell's DATABASE_URL can point it at the user's own data. It is its own process
 * group, so a Ctrl-C reaches the demo only, which then stops the hub once and waits for it.
 */
export async function startHubProcess(options: {
  port: number;
  dataDir: string;
  env: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<HubProcess> {
  const logPath = path.join(options.dataDir, 'hub.log');
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(ROOT, 'src/main.ts')], {
    cwd: options.dataDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? options.dataDir,
      ...options.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      HUB_PUBLIC_URL: `http://localhost:${options.port}`,
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const stopGracefully = () => {
    if (running()) child.kill('SIGTERM');
  };
  // The whole group: the hub and the PostgreSQL it started, which a killed hub cannot stop itself.
  const killGroup = () => {
    if (!running() || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  // However the demo ends (an exception included), the hub does not outlive it.
  const onExit = () => killGroup();
  process.once('exit', onExit);

  const url = `http://localhost:${options.port}`;
  const until = Date.now() + (options.readyTimeoutMs ?? 120_000);
  const start: { ended: number | string | null } = { ended: null };
  void exited.then((code) => (start.ended = code));
  for (;;) {
    if (start.ended !== null) throw new Error(`the hub exited during start (${start.ended}): see ${logPath}`);
    try {
      const response = await fetch(`http://127.0.0.1:${options.port}/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      killGroup();
      throw new Error(`the hub was not ready in time: see ${logPath}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url,
    logPath,
    exited,
    async stop() {
      stopGracefully();
      const timer = setTimeout(killGroup, STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      process.off('exit', onExit);
    },
  };
}
