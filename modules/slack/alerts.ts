import { fitMessage, section, type SlackMessage } from './blocks.js';
import { escapeText, link, truncate } from './mrkdwn.js';
import type { HubEvent } from '../../src/module-api.js';

type Transition = HubEvent<'inspection'>['payload'];

const MESSAGE_MAX = 2_500;
const ICON: Record<string, string> = { warning: ':warning:', error: ':red_circle:', critical: ':rotating_light:' };

/** "12 min", "2 h 5 min", "40 s": how long an alert lasted, for the recovery line. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

function where(t: Transition): string {
  const dims = Object.entries(t.dimensions)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return dims ? `${t.check} (${dims})` : t.check;
}

/** The alert's root: what is wrong, since when, the last message, the check on the hub. */
export function formatAlertMessage(t: Transition): SlackMessage {
  const headline = `${ICON[t.status] ?? ':warning:'} *${escapeText(t.status.toUpperCase())}*: ${escapeText(t.title)}`;
  const since = `${escapeText(where(t))}, failing since ${escapeText(t.since)}`;
  const blocks = [section(`${headline}\n${since}`)];
  if (t.message.trim() !== '') blocks.push(section(escapeText(truncate(t.message, MESSAGE_MAX))));
  blocks.push(section(link(t.link, 'The check on the hub')));
  return fitMessage({ text: `${escapeText(t.status.toUpperCase())}: ${escapeText(t.title)}`, blocks });
}

/** A reply in the alert's thread: worse now, or recovered. */
export function formatTransitionReply(t: Transition): string {
  if (t.transition === 'recovered')
    return `:white_check_mark: Recovered after ${formatDuration(t.durationMs)}: ${escapeText(t.title)}`;
  const detail = t.message.trim() !== '' ? `\n${escapeText(truncate(t.message, MESSAGE_MAX))}` : '';
  return `${ICON[t.status] ?? ':warning:'} Escalated to *${escapeText(t.status)}* (was ${escapeText(t.previousStatus ?? 'unknown')}): ${escapeText(t.title)}${detail}`;
}

/** The status line the root gets after a transition. */
export function formatAlertStatusLine(t: Transition): string {
  return t.transition === 'recovered'
    ? `:white_check_mark: recovered after ${formatDuration(t.durationMs)}`
    : `${ICON[t.status] ?? ':warning:'} escalated to ${escapeText(t.status)}`;
}

/** Its line when several roots wait for one channel and go as a digest. */
export function alertLine(t: Transition): string {
  return `• ${ICON[t.status] ?? ':warning:'} *${escapeText(t.status)}* ${escapeText(where(t))}: ${escapeText(t.title)} (${link(t.link, 'check')})`;
}
