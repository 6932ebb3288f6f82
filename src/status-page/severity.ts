import { html, type SafeHtml } from './html.js';

/**
 * One colour per severity, everywhere on the page: a badge's colour says how bad, its icon and word say the
 * same without colour. Every status the hub knows (a check's, a delivery's, a run's, a module's) maps to one
 * severity here and nowhere else. `muted` is for what someone silenced or turned off on purpose.
 */
export const SEVERITIES = ['ok', 'info', 'warning', 'error', 'critical', 'unknown', 'timed_out', 'muted'] as const;
export type Severity = (typeof SEVERITIES)[number];

const ICONS: Record<Severity, string> = {
  ok: '✓',
  info: 'ℹ',
  warning: '▲',
  error: '✕',
  critical: '‼',
  unknown: '?',
  timed_out: '◷',
  muted: '⊘',
};

/** Worst first when sorting problems: critical, error, timed out, warning, unknown, info, muted, ok. */
const RANK: Record<Severity, number> = {
  ok: 0,
  muted: 1,
  info: 2,
  unknown: 3,
  warning: 4,
  timed_out: 5,
  error: 6,
  critical: 7,
};

const OF_STATUS: Record<string, Severity> = {
  ok: 'ok',
  succeeded: 'ok',
  on: 'ok',
  completed: 'ok',
  recovered: 'ok',
  info: 'info',
  queued: 'info',
  in_progress: 'info',
  running: 'info',
  skipped: 'info',
  // A dead delivery's messages handed to a route's fallback target: the lifecycle step that says so.
  fallback: 'info',
  suppressed: 'muted',
  warning: 'warning',
  // A delivery that failed and will be tried again: not lost yet.
  failed: 'warning',
  retrying: 'warning',
  escalated: 'error',
  alert: 'error',
  error: 'error',
  dead: 'error',
  failing: 'error',
  critical: 'critical',
  unknown: 'unknown',
  timed_out: 'timed_out',
  muted: 'muted',
  off: 'muted',
};

export function severityOf(status: string | null | undefined): Severity {
  return OF_STATUS[status ?? 'unknown'] ?? 'unknown';
}

export function rankOf(severity: Severity): number {
  return RANK[severity];
}

export function worstOf(severities: readonly Severity[]): Severity {
  return severities.reduce<Severity>((worst, next) => (RANK[next] > RANK[worst] ? next : worst), 'ok');
}

/** `in_progress` → "in progress": the word people read. */
export function statusWord(status: string): string {
  return status.replace(/_/g, ' ');
}

/**
 * A status as a badge: the severity's colour, its icon (hidden from screen readers) and the status's word.
 * `severity` overrides the status's own (a run that ended with an error result is an error, not "succeeded").
 */
export function badge(status: string, options: { severity?: Severity; label?: string } = {}): SafeHtml {
  const severity = options.severity ?? severityOf(status);
  return html`<span class="badge sev-${severity}" data-status="${status}"
    ><span class="icon" aria-hidden="true">${ICONS[severity]}</span> ${options.label ?? statusWord(status)}</span
  >`;
}

export function iconOf(severity: Severity): string {
  return ICONS[severity];
}
