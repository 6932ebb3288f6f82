// Start-up time: runs a command that starts the hub (default `npm start`) and prints how long it took until
// GET /health answered 200, then stops it with SIGTERM. `node bench/start-ready.mjs [command ...]`; PORT and
// DATA_DIR as for the hub (the first run on a new DATA_DIR initialises the embedded PostgreSQL: time a second).
import { spawn } from 'node:child_process';

const command = process.argv.length > 2 ? process.argv.slice(2) : ['npm', 'start'];
const port = process.env.PORT ?? '3010';
const started = performance.now();
const child = spawn(command[0], command.slice(1), { stdio: 'ignore', detached: true, env: process.env });
const exited = new Promise((resolve) => child.once('exit', resolve));

async function healthy() {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(500) });
    return response.ok;
  } catch {
    return false;
  }
}

let ready = null;
while (ready === null && child.exitCode === null && performance.now() - started < 120_000) {
  if (await healthy()) ready = performance.now() - started;
  else await new Promise((resolve) => setTimeout(resolve, 20));
}
// The whole group: `npm start` runs the hub as its child.
process.kill(-child.pid, 'SIGTERM');
await exited;
if (ready === null) {
  process.stderr.write('the hub did not become ready\n');
  process.exit(1);
}
process.stdout.write(`ready after ${Math.round(ready)} ms: ${command.join(' ')}\n`);
