import { replaceBlock } from './generated-block.js';
import type { MetricFact } from './started-hub.js';

/**
 * docs/reference/metrics.md: hand-written words about scraping and labels, and the table of series generated from
 * a started hub's registry (names, types, labels and help text as `GET /metrics` gives them).
 */
export const BEGIN = '<!-- generated: the series, written by `npm run docs` from the registry of a started hub -->';
export const END = '<!-- end of the generated series -->';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export function metricsTable(metrics: readonly MetricFact[]): string {
  return [
    '| series | type | labels | what |',
    '|---|---|---|---|',
    ...metrics.map(
      (metric) =>
        `| \`${metric.name}\` | ${metric.type} | ${metric.labelNames.map((label) => `\`${label}\``).join(', ') || '–'} | ${cell(metric.help)} |`,
    ),
    "| `process_*`, `nodejs_*` | | | prom-client's default process metrics |",
  ].join('\n');
}

export function renderMetrics(current: string, metrics: readonly MetricFact[]): string {
  return replaceBlock(current, BEGIN, END, metricsTable(metrics));
}
