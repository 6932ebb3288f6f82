import { readFileSync } from 'node:fs';
import path from 'node:path';

let cached: string | null = null;

/** The hub's version from its package.json, found above this file (src/ under tsx, dist/src/ when built). */
export function hubVersion(): string {
  if (cached !== null) return cached;
  cached = 'unknown';
  for (let dir = import.meta.dirname, i = 0; i < 5; i += 1, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'alvares' && pkg.version) {
        cached = pkg.version;
        break;
      }
    } catch {
      // not here; look one level up
    }
  }
  return cached;
}
