import { readFile } from 'node:fs/promises';
import { configJsonSchemaText } from '../../src/config-file/json-schema.js';
import { renderConfigurationPage } from './configuration.js';
import { renderErrorsPage } from './errors.js';
import { renderEventsPage } from './events.js';
import { renderHttpApi } from './http-api.js';
import { renderMetrics } from './metrics.js';
import { startedHubFacts, type HubFacts } from './started-hub.js';
import { renderTemplateFieldsPage } from './template-fields.js';

export interface ReferencePage {
  /** Relative to the repository's root. */
  file: string;
  /** The page's whole text; `file` is its current path, for pages that keep hand-written parts. */
  render(file: string): Promise<string>;
}

// One hub, started on first use (an embedded PostgreSQL in a temporary directory: a few seconds), for both pages.
let facts: Promise<HubFacts> | undefined;
const hubFacts = () => (facts ??= startedHubFacts());

/**
 * The reference pages written from the code: the configuration schemas, the configuration file's JSON Schema, the
 * error catalogue, the events, the template fields, the routes, the metrics.
 */
export const REFERENCE_PAGES: readonly ReferencePage[] = [
  { file: 'docs/reference/configuration.md', render: () => Promise.resolve(renderConfigurationPage()) },
  { file: 'docs/reference/config-schema.json', render: () => Promise.resolve(configJsonSchemaText()) },
  { file: 'docs/reference/errors.md', render: () => Promise.resolve(renderErrorsPage()) },
  { file: 'docs/reference/events.md', render: () => Promise.resolve(renderEventsPage()) },
  { file: 'docs/reference/template-fields.md', render: () => Promise.resolve(renderTemplateFieldsPage()) },
  {
    file: 'docs/reference/http-api.md',
    render: async (file) => renderHttpApi(await readFile(file, 'utf8'), (await hubFacts()).openapi),
  },
  {
    file: 'docs/reference/metrics.md',
    render: async (file) => renderMetrics(await readFile(file, 'utf8'), (await hubFacts()).metrics),
  },
];
