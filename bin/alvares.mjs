#!/usr/bin/env node
// `npx alvares validate <file or directory>`. From a clone (after `npm ci`, no build) the TypeScript sources run
// through tsx, as `npm run dev` does; an installation without dev dependencies (the container image) runs the
// built dist/src/cli.js instead.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src', 'cli.ts');
const built = path.join(root, 'dist', 'src', 'cli.js');

async function loadCli() {
  if (existsSync(source)) {
    const tsx = await import('tsx/esm/api').catch(() => null);
    if (tsx) return tsx.tsImport(pathToFileURL(source).href, import.meta.url);
  }
  if (existsSync(built)) return import(pathToFileURL(built).href);
  process.stderr.write('alvares: neither tsx (npm ci) nor a build (npm run build) is here to run the CLI\n');
  process.exit(2);
}

const { runCli } = await loadCli();
const code = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
// Exit at once: a module's import may hold timers (a pool, a cache) that have nothing to do in a CLI.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
