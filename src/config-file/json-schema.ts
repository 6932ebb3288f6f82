import { z } from 'zod';
import { configDocumentSchema } from './document.js';

/** Served without a token (src/http/auth.ts): an editor fetching it has none. */
export const CONFIG_SCHEMA_PATH = '/api/v1/config/schema.json';

let text: string | undefined;

/**
 * The configuration file's JSON Schema, from the same zod schema the loader checks with, as written (`io:
 * 'input'`: defaults may be left out). Editors complete and check a file with it; the loader still has the last
 * word on what a schema cannot say (a route's target, a template, a secret written as a literal).
 */
export function configJsonSchemaText(): string {
  text ??= `${JSON.stringify(
    {
      ...z.toJSONSchema(configDocumentSchema, { io: 'input' }),
      title: 'Alvares configuration file',
      description:
        'Targets, routes, templates, silences, external checks, inspection parameters and modules. `${NAME}` in a string takes the environment variable NAME; secrets must be written that way.',
    },
    null,
    2,
  )}\n`;
  return text;
}
