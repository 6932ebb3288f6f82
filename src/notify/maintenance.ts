import { allowAddresses, namedAddresses, type TargetRouting } from './routing.js';
import { durationText } from './templates.js';
import { firstLine } from '../util/text.js';
import type { HubEvent, StillErroring, StillFailing } from '../events/types.js';

type Ended = HubEvent<'silence.ended'>['payload'];

/** What one address hears of a closed silence or window: the checks and the applications that were its own. */
export interface MaintenancePart {
  checks: StillFailing[];
  errors: StillErroring[];
}

/** How a provider writes: its escaping of payload text, its links and its emphasis (text already escaped). */
export interface Markup {
  escape: (text: string) => string;
  link: (url: string, label: string) => string;
  strong: (text: string) => string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Each still-failing item goes where its alert or error would have gone: the override alone when set; else its
 * own addresses (kept to the allow-list), else the always-told ones. One part per address.
 */
export function maintenanceParts(
  routing: TargetRouting,
  ended: Ended,
): { parts: Map<string, MaintenancePart>; dropped: string[] } {
  const parts = new Map<string, MaintenancePart>();
  const dropped: string[] = [];
  const place = (named: readonly string[], add: (part: MaintenancePart) => void) => {
    const own = routing.normalise(namedAddresses({ slackChannels: [...named] }));
    const wanted =
      routing.override.length > 0
        ? routing.normalise(routing.override)
        : own.length > 0
          ? own
          : routing.normalise(routing.always);
    const route = allowAddresses(routing, wanted);
    dropped.push(...route.dropped);
    for (const address of route.addresses) {
      const part = parts.get(address) ?? { checks: [], errors: [] };
      add(part);
      parts.set(address, part);
    }
  };
  for (const item of ended.stillFailing) place(item.slackChannels, (part) => part.checks.push(item));
  for (const group of ended.stillErroring ?? []) place(group.slackChannels, (part) => part.errors.push(group));
  return { parts, dropped: [...new Set(dropped)] };
}

/** "Still failing after the maintenance window: 2 checks and 1 application". */
export function maintenanceHeadline(part: MaintenancePart): string {
  const what = [
    ...(part.checks.length > 0 ? [plural(part.checks.length, 'check')] : []),
    ...(part.errors.length > 0 ? [plural(part.errors.length, 'application')] : []),
  ];
  return `Still failing after the maintenance window: ${what.join(' and ')}`;
}

/** "scanner upgrade (by ops)": why the window was set, and by whom. */
export function maintenanceReason(ended: Ended, markup: Markup): string {
  return `${markup.escape(ended.reason)} (by ${markup.escape(ended.createdBy)})`;
}

/** "14:02 UTC", with the date when it is not the day the window closed. */
function timeOf(iso: string, closesAt: string): string {
  const at = new Date(iso).toISOString();
  const sameDay = at.slice(0, 10) === new Date(closesAt).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${at.slice(0, 10)} `}${at.slice(11, 16)} UTC`;
}

/**
 * One line per item, the same words for every provider: a check with its status, title and since-when; an
 * application with how many errors the window held, the latest one's message and time, and its event's link.
 */
export function maintenanceLines(ended: Ended, part: MaintenancePart, markup: Markup, now = Date.now()): string[] {
  const { escape: e, link, strong } = markup;
  const checks = part.checks.map((item) => {
    const lasted = durationText(now - Date.parse(item.since));
    return `${strong(e(item.status))} ${link(item.link, item.key)}: ${e(item.title)} (failing since ${e(item.since)}, ${lasted})`;
  });
  const errors = part.errors.map((group) => {
    const where = `${strong(e(group.application ?? 'an unnamed application'))}${group.cluster ? ` on ${e(group.cluster)}` : ''}`;
    const latest = `latest "${e(firstLine(group.latestMessage, 120))}" at ${timeOf(group.latestAt, ended.window.closesAt)}`;
    return `${where}: ${plural(group.count, 'error')} held, ${latest}, no deployment since (${link(group.link, 'latest error')})`;
  });
  return [...checks, ...errors];
}
