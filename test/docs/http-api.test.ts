import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BEGIN, END, renderHttpApi, renderHttpApiPage } from '../../scripts/docs/http-api.js';
import { createTestDatabase } from '../support/database.js';

/**
 * docs/reference/http-api.md keeps its hand-written guidance, and its route table is what `npm run docs` writes
 * from the OpenAPI document of a started hub: a route added, removed or re-described shows up as a difference.
 */
const FILE = path.resolve(import.meta.dirname, '../../docs/reference/http-api.md');

describe('docs/reference/http-api.md', () => {
  it("has the route table `npm run docs` writes from the hub's OpenAPI document", async () => {
    const database = await createTestDatabase();
    try {
      const committed = await readFile(FILE, 'utf8');
      expect(committed).toBe(await renderHttpApiPage(FILE, database.url));
      for (const route of ['`/api/v1/deployment`', '`/api/v1/admin/modules/{name}/config`', '`/metrics`'])
        expect(committed.slice(committed.indexOf(BEGIN))).toContain(route);
    } finally {
      await database.drop();
    }
  });

  it('rewrites only the block between its markers', () => {
    const document = {
      paths: { '/health': { get: { summary: 'Liveness', tags: ['operations'], responses: { 200: {} } } } },
    };
    const page = `# Guide\n\nWords above.\n\n${BEGIN}\nold table\n${END}\n\nWords below.\n`;
    const written = renderHttpApi(page, document);
    expect(written.startsWith('# Guide\n\nWords above.\n\n')).toBe(true);
    expect(written.endsWith(`${END}\n\nWords below.\n`)).toBe(true);
    expect(written).toContain('| `GET` | `/health` | Liveness |  | 200 |');
    expect(written).not.toContain('old table');
    expect(renderHttpApi(written, document)).toBe(written);
  });
});
