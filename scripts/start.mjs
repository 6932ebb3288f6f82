// `npm start`: compile only when a source is newer than the last build, then run the hub in this process.
// A full compile takes several seconds; a start on a current build should be as fast as `node dist/src/main.js`.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.built');

function newest(entry) {
  const stats = statSync(entry, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(entry).reduce((latest, name) => Math.max(latest, newest(path.join(entry, name))), stats.mtimeMs);
}

const inputs = ['src', 'modules', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((name) =>
  newest(path.join(root, name)),
);
const built = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (Math.max(...inputs) > built) {
  process.stderr.write('compiling the hub (sources changed since the last build)\n');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
await import(pathToFileURL(path.join(root, 'dist', 'src', 'main.js')).href);
