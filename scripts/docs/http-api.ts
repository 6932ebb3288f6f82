import { replaceBlock } from './generated-block.js';

/**
 * docs/reference/http-api.md: hand-written guidance, and a route table generated from the hub's OpenAPI document
 * between two markers. Only the block between the markers is rewritten; words above and below it are kept.
 */
export const BEGIN = '<!-- generated: the route table, written by `npm run docs` from the OpenAPI document -->';
export const END = '<!-- end of the generated route table -->';

interface Operation {
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, unknown>>;
  responses?: Record<string, unknown>;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

const AUTH: Record<string, string> = { adminToken: 'admin', metricsToken: 'metrics' };

/** The route table: one section per tag in the document's order, methods sharing a path and summary on one row. */
export function routeTable(document: Record<string, unknown>): string {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  const sections = new Map<string, Array<{ methods: string[]; path: string; operation: Operation }>>();
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags?.[0] ?? 'other';
      const rows = sections.get(tag) ?? [];
      sections.set(tag, rows);
      const same = rows.find((row) => row.path === path && row.operation.summary === operation.summary);
      if (same) same.methods.push(method.toUpperCase());
      else rows.push({ methods: [method.toUpperCase()], path, operation });
    }
  }
  const lines = [
    '## Every route',
    '',
    'From `GET /api/v1/openapi.json` of a hub with every module on. *auth*: the bearer token the route wants',
    '(`admin`: `ADMIN_TOKEN`; `metrics`: `METRICS_TOKEN`, when set); reads and ingest may want theirs as well',
    '(see [Configuration](configuration.md)). *answers*: the statuses the document names; error bodies are',
    'described in [Error codes](errors.md).',
  ];
  for (const [tag, rows] of sections) {
    lines.push('', `### ${tag}`, '', '| method | path | what | auth | answers |', '|---|---|---|---|---|');
    for (const { methods, path, operation } of rows) {
      const auth = (operation.security ?? []).flatMap((entry) => Object.keys(entry).map((key) => AUTH[key] ?? key));
      const answers = Object.keys(operation.responses ?? {}).join(', ');
      lines.push(
        `| ${methods.map((method) => `\`${method}\``).join(', ')} | \`${path}\` | ${cell(operation.summary ?? '')} | ${auth.join(', ')} | ${answers} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The page with its generated block replaced (or added at the end the first time). */
export function renderHttpApi(current: string, document: Record<string, unknown>): string {
  return replaceBlock(current, BEGIN, END, routeTable(document));
}
