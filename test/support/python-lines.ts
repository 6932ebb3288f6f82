import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PYTHON_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python');

/** Debian's python3 runs the original's and Aspen's own code in the differential tests; null when it is missing. */
export function python3Version(): string | null {
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? (probe.stdout || probe.stderr).trim() : null;
}

/**
 * One of the python drivers in test/support/python, kept running: each request is a JSON line on its stdin,
 * each answer a JSON line on its stdout, in order. `-B`: the vendored sources stay free of __pycache__.
 */
export class PythonLines {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];
  private stderr = '';
  private exited: Error | null = null;

  constructor(script: string) {
    this.child = spawn('python3', ['-B', path.join(PYTHON_DIR, script)], {
      env: { PATH: process.env.PATH, LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8' },
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const next = this.waiting.shift();
      if (!next) return;
      const answer = JSON.parse(line) as { fault?: string };
      if (answer.fault) next.reject(new Error(`${script} failed:\n${answer.fault}`));
      else next.resolve(answer);
    });
    this.child.on('exit', (code) => {
      this.exited = new Error(`${script} exited with ${code}:\n${this.stderr}`);
      for (const pending of this.waiting.splice(0)) pending.reject(this.exited);
    });
  }

  ask<T>(request: Record<string, unknown>): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve: resolve as (value: unknown) => void, reject });
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await exited;
  }
}
