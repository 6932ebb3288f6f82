import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../src/util/processes.js';
export { freePort };

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface Child {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** Peak resident memory so far, from the kernel (VmHWM), in MB. */
  peakRssMb: () => number;
  stop: () => Promise<void>;
}

/** Starts a process and waits until `readyUrl` answers 200. */
export async function startChild(
  command: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  readyPath: string,
): Promise<Child> {
  let output = '';
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited:\n${output}`);
    try {
      const res = await fetch(`${url}${readyPath}`, {
        method: readyPath === '/' ? 'PUT' : 'GET',
        body: readyPath === '/' ? '{}' : undefined,
      });
      if (res.status < 500) break;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`${command} not ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    output: () => output,
    peakRssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** The built hub (`npm run build`) as a process of its own on `databaseUrl`, ready; `name` keeps its DATA_DIR apart. */
export async function startHubProcess(databaseUrl: string, name: string, env: Record<string, string>): Promise<Child> {
  const base = {
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: path.join(os.tmpdir(), `alvares-bench-${name}-${process.pid}`),
  };
  return startChild(
    process.execPath,
    [path.join(ROOT, 'dist/src/main.js')],
    { ...base, ...env },
    await freePort(),
    '/ready',
  );
}

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.end();
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function deployment(sequence: number): string {
  return JSON.stringify({
    applicationName: `bench-app-${sequence % 50}`,
    cluster: 'active',
    replicas: 2,
    version: `1.0.${sequence}`,
    imageName: `bench-app-${sequence % 50}`,
    applicationPath: `/bench-app-${sequence % 50};ReplacePathRegex`,
    created: '1763800000.123456',
    slackChannels: '#bench',
    team: null,
    publicNameSwedish: 'Bänk',
    publicNameEnglish: 'Bench',
    descriptionSwedish: null,
    descriptionEnglish: null,
    importance: 'high',
    detectifyProfileTokens: null,
    testAccessibility: null,
    accessibilityUrls: null,
  });
}

/** CPU seconds (user + system) a process has used so far, from the kernel. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, inside parentheses): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory now, in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}
