import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deployment } from './support.js';

/**
 * wrk as the load generator of benchmark (a): a C program, so the load costs the machine's cores far less
 * than a JavaScript one would, which matters when the server, PostgreSQL and the load share them. Every body is an
 * Aspen-shaped deployment with its own version (identical bodies would be answered as duplicates).
 */
export interface WrkResult {
  requestsPerSecond: number;
  total: number;
  /** Answers other than 2xx/3xx, and socket errors (connect, read, write, timeout). */
  non2xx: number;
  errors: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
}

/** Installs Debian's wrk when it is missing and we may (root with apt-get), as run_tests.sh does for Chromium. */
export function ensureWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return;
  } catch (error) {
    // wrk --version exits 1 after printing its banner: only a missing binary is a problem.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
  }
  if (process.getuid?.() !== 0) throw new Error('wrk is missing: apt-get install wrk');
  process.stdout.write("installing Debian's wrk for benchmark (a)\n");
  execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

let script: Promise<string> | null = null;
/** Part of every version: a later run must not repeat an earlier run's bodies inside the dedupe window. */
let runs = Date.now() % 1_000_000;

/** The Lua script: the body cut around its variable parts, put together per request; a JSON summary at the end. */
function writeScript(): Promise<string> {
  script ??= (async () => {
    const APP = '@@APP@@';
    const VERSION = '@@VERSION@@';
    const sample = JSON.parse(deployment(0)) as Record<string, unknown>;
    const template = JSON.stringify({
      ...sample,
      applicationName: APP,
      imageName: APP,
      applicationPath: `/${APP};ReplacePathRegex`,
      version: VERSION,
    });
    const parts = template.split(/@@(APP|VERSION)@@/);
    // \`tid\` is a global: thread:set() gives each thread's state its own, which a local would shadow.
    const lua = `
tid = 0
local run = "0"
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  run = args[1] or "0"
end
function request()
  counter = counter + 1
  local app = "bench-app-" .. (counter % 50)
  local version = "1." .. run .. "." .. tid .. "." .. counter
  local body = ${parts.map((part, index) => (index % 2 === 1 ? (part === 'APP' ? 'app' : 'version') : luaString(part))).join(' .. ')}
  return wrk.format("PUT", wrk.path, {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"durationUs":%d,"status":%d,"socket":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'alvares-wrk-'));
    const file = path.join(dir, 'deployments.lua');
    await writeFile(file, lua);
    return file;
  })();
  return script;
}

function luaString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** PUTs deployments to `url` with `connections` connections for `seconds`. */
export async function runWrk(
  url: string,
  options: { connections: number; seconds: number; threads?: number },
): Promise<WrkResult> {
  const file = await writeScript();
  const args = [
    '-t',
    String(options.threads ?? 2),
    '-c',
    String(options.connections),
    '-d',
    `${options.seconds}s`,
    '--timeout',
    '10s',
    '-s',
    file,
    url,
    '--',
    String(runs++),
  ];
  const output = await new Promise<string>((resolve, reject) => {
    execFile('wrk', args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`wrk failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
  const line = output.split('\n').find((text) => text.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${output}`);
  const raw = JSON.parse(line.slice('WRK_JSON '.length)) as Record<string, number>;
  const ms = (us: number) => Number((us / 1000).toFixed(2));
  return {
    requestsPerSecond: Math.round(raw.requests! / (raw.durationUs! / 1e6)),
    total: raw.requests!,
    non2xx: raw.status!,
    errors: raw.socket!,
    latencyP50Ms: ms(raw.p50!),
    latencyP90Ms: ms(raw.p90!),
    latencyP99Ms: ms(raw.p99!),
    latencyMaxMs: ms(raw.max!),
  };
}
