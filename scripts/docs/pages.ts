import { renderConfigurationPage } from './configuration.js';
import { renderErrorsPage } from './errors.js';
import { renderEventsPage } from './events.js';
import { renderHttpApiPage } from './http-api.js';

export interface ReferencePage {
  /** Relative to the repository's root. */
  file: string;
  /** The page's whole text; `file` is its current path, for pages that keep hand-written parts. */
  render(file: string): Promise<string>;
}

/** The reference pages written from the code: the configuration schemas, the error catalogue, the events, the routes. */
export const REFERENCE_PAGES: readonly ReferencePage[] = [
  { file: 'docs/reference/configuration.md', render: () => Promise.resolve(renderConfigurationPage()) },
  { file: 'docs/reference/errors.md', render: () => Promise.resolve(renderErrorsPage()) },
  { file: 'docs/reference/events.md', render: () => Promise.resolve(renderEventsPage()) },
  // Starts a hub on an embedded PostgreSQL in a temporary directory: a few seconds.
  { file: 'docs/reference/http-api.md', render: (file) => renderHttpApiPage(file) },
];
