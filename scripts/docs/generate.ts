import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REFERENCE_PAGES } from './pages.js';

/**
 * `npm run docs`: writes every generated reference page from the code it describes. test/docs/reference.test.ts
 * fails when a committed page differs from what this would write.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

for (const page of REFERENCE_PAGES) {
  const file = path.join(ROOT, page.file);
  await writeFile(file, await page.render(file));
  process.stdout.write(`wrote ${page.file}\n`);
}
process.exit(0);
