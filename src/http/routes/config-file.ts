import type { Router } from 'express';
import { CONFIG_SCHEMA_PATH, configJsonSchemaText } from '../../config-file/json-schema.js';
import { hubRouter } from '../../util/http-router.js';
import { doc } from '../route-docs.js';

/** The configuration file's schema: public (an editor fetching it sends no token), like the ingest schemas. */
export function configFileRoutes(): Router {
  const router = hubRouter();
  router.get(
    CONFIG_SCHEMA_PATH,
    doc({
      summary: 'JSON Schema of the configuration file (for editors and CI); needs no token',
      tags: ['configuration'],
      response: { contentType: 'application/schema+json', description: 'the JSON Schema (draft 2020-12)' },
    }),
    (_req, res) => {
      res.type('application/schema+json').send(configJsonSchemaText());
    },
  );
  return router;
}
