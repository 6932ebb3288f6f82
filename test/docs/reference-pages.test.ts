import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { renderErrorsPage, undocumentedDeliveryCodes } from '../../scripts/docs/errors.js';
import { renderEventsPage, undocumentedPayloadFields } from '../../scripts/docs/events.js';
import { DELIVERY_ERRORS, REQUEST_ERRORS } from '../../src/errors.js';
import { INGEST_SCHEMAS } from '../../src/events/schemas.js';
import { EVENT_TYPES } from '../../src/events/types.js';

/**
 * The reference pages written from the code (`npm run docs`) are what the script would write now, so a change to
 * the code that a page describes cannot leave the page behind. The configuration page has its own tests
 * (configuration.test.ts), the HTTP API's needs a running hub (http-api.test.ts).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const committed = (file: string) => readFile(path.join(ROOT, file), 'utf8');

describe('docs/reference/errors.md', () => {
  it('is what `npm run docs` writes from the error catalogue', async () => {
    expect(await committed('docs/reference/errors.md')).toBe(renderErrorsPage());
  });

  it('names every code of the catalogue, each delivery code with a comment saying when it is used', async () => {
    const page = await committed('docs/reference/errors.md');
    for (const code of [...Object.keys(REQUEST_ERRORS), ...Object.keys(DELIVERY_ERRORS)])
      expect(page).toContain(`| \`${code}\` |`);
    expect(undocumentedDeliveryCodes()).toEqual([]);
  });
});

describe('docs/reference/events.md', () => {
  it('is what `npm run docs` writes from the ingest schemas and the event interfaces', async () => {
    expect(await committed('docs/reference/events.md')).toBe(renderEventsPage());
  });

  it('lists every event type and every field a pipeline may send, and gives every payload field words', async () => {
    const page = await committed('docs/reference/events.md');
    for (const type of EVENT_TYPES) expect(page).toContain(`| \`${type}\` |`);
    for (const schema of Object.values(INGEST_SCHEMAS))
      for (const field of Object.keys(schema.shape)) expect(page).toContain(`| \`${field}\` |`);
    expect(undocumentedPayloadFields()).toEqual([]);
  });
});
