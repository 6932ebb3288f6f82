import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BEGIN, END, renderHttpApi } from '../../scripts/docs/http-api.js';
import { BEGIN as METRICS_BEGIN, renderMetrics } from '../../scripts/docs/metrics.js';
import { startedHubFacts, type HubFacts } from '../../scripts/docs/started-hub.js';
import { createTestDatabase } from '../support/database.js';

/**
 * docs/reference/http-api.md and metrics.md keep their hand-written words, and their generated blocks are what
 * `npm run docs` writes from a started hub (its OpenAPI document, its metrics registry): a route or series added,
 * removed or re-described shows up as a difference.
 */
const REFERENCE = path.resolve(import.meta.dirname, '../../docs/reference');

let facts: HubFacts;

beforeAll(async () => {
  const database = await createTestDatabase();
  try {
    facts = await startedHubFacts(database.url);
  } finally {
    await database.drop();
  }
});

describe('docs/reference/http-api.md', () => {
  it("has the route table `npm run docs` writes from the hub's OpenAPI document", async () => {
    const committed = await readFile(path.join(REFERENCE, 'http-api.md'), 'utf8');
    expect(committed).toBe(renderHttpApi(committed, facts.openapi));
    for (const route of ['`/api/v1/deployment`', '`/api/v1/admin/modules/{name}/config`', '`/metrics`'])
      expect(committed.slice(committed.indexOf(BEGIN))).toContain(route);
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

describe('docs/reference/metrics.md', () => {
  it("has the table of series `npm run docs` writes from the hub's registry", async () => {
    const committed = await readFile(path.join(REFERENCE, 'metrics.md'), 'utf8');
    expect(committed).toBe(renderMetrics(committed, facts.metrics));
    expect(facts.metrics.length).toBeGreaterThan(10);
    for (const series of ['alvares_deliveries_total', 'alvares_queue_depth', 'alvares_http_requests_total'])
      expect(committed.slice(committed.indexOf(METRICS_BEGIN))).toContain(`| \`${series}\` |`);
  });
});
