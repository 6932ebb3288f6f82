import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { configJsonSchemaText } from '../../src/config-file/json-schema.js';

/** docs/reference/config-schema.json is what `npm run docs` writes from the document's zod schema. */
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('docs/reference/config-schema.json', () => {
  it('is what `npm run docs` writes from configDocumentSchema', async () => {
    expect(await readFile(path.join(ROOT, 'docs/reference/config-schema.json'), 'utf8')).toBe(configJsonSchemaText());
  });

  it('describes every section of the file and refuses keys it does not know', () => {
    const schema = JSON.parse(configJsonSchemaText()) as {
      $schema: string;
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['checks', 'inspections', 'modules', 'routes', 'silences', 'targets', 'templates'].sort(),
    );
    expect(schema.additionalProperties).toBe(false);
  });
});
