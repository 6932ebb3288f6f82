import { LIMITS, context, pack, section, type SlackBlock, type SlackMessage } from './blocks.js';
import { eventUrl, type HubLinks } from './messages.js';
import { escapeText, link, truncate } from './mrkdwn.js';
import type { Deployment, DigestEntry, ErrorReport, Recommendation } from '../../src/module-api.js';

/**
 * Digests: when more than a few messages wait for one channel (a base-image rebuild redeploys everything at
 * once), the channel's next turn posts them as one message, a line each, instead of one post a second for
 * minutes. Slack's limits bound one digest (50 blocks, 3,000 characters a section, 40,000 in all); what does
 * not fit waits for the next turn and the next digest.
 */

/** One line may not crowd out the rest: long names and messages are cut. */
const MAX_LINE = 600;
/** Headline and footer take one block each. */
const LINE_SECTIONS = LIMITS.blocks - 2;
/** Slack refuses more than 40,000 characters; keep clear of it whatever the headline and footer add. */
const MAX_TOTAL = 36_000;

export function deploymentLine(deployment: Deployment, links: HubLinks): string {
  const app = `*${escapeText(deployment.applicationName)}*`;
  const cluster = `*${escapeText(deployment.cluster ?? 'an unknown cluster')}*`;
  const version = deployment.version ? ` \`${escapeText(deployment.version)}\`` : '';
  const what = deployment.removal ? `${app} removed from ${cluster}` : `${app}${version} in ${cluster}`;
  const appLink =
    !deployment.removal && deployment.applicationUrl ? ` · ${link(deployment.applicationUrl, 'Application')}` : '';
  return line(`• ${what}${appLink} · ${link(eventUrl(links), 'Event')}`);
}

export function errorLine(error: ErrorReport, links: HubLinks): string {
  const where = error.applicationName ? ` (${escapeText(error.applicationName)})` : '';
  return line(`• ⚠️ *${escapeText(firstLine(error.message))}*${where} · ${link(eventUrl(links), 'Event')}`);
}

export function recommendationLine(recommendation: Recommendation, links: HubLinks): string {
  const where = recommendation.applicationName ? ` for *${escapeText(recommendation.applicationName)}*` : '';
  return line(
    `• Recommendation${where}: ${escapeText(firstLine(recommendation.message))} · ${link(eventUrl(links), 'Event')}`,
  );
}

/** A reply in a digest's thread names the application: the thread is shared by every deployment in the digest. */
export function digestReplyLine(application: string | null, outcomeLine: string): string {
  return line(application ? `*${escapeText(application)}*: ${outcomeLine}` : outcomeLine);
}

export type { DigestEntry };

/** "14 deployments in the last minute", "12 deployments and 2 errors in the last 3 minutes". */
export function digestHeadline(entries: readonly DigestEntry[], now = Date.now()): string {
  const counts = (['deployment', 'error', 'recommendation', 'alert', 'summary'] as const)
    .map((kind) => [kind, entries.filter((entry) => entry.kind === kind).length] as const)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} ${count === 1 ? kind : kind === 'summary' ? 'summaries' : `${kind}s`}`);
  const parts =
    counts.length > 1 ? `${counts.slice(0, -1).join(', ')} and ${counts.at(-1)}` : (counts[0] ?? '0 messages');
  const oldest = Math.min(...entries.map((entry) => entry.queuedAt.getTime()));
  const minutes = Math.ceil((now - oldest) / 60_000);
  return `${parts} in the last ${minutes <= 1 ? 'minute' : `${minutes} minutes`}`;
}

/** The digest: a headline, the lines packed into sections, and a footer saying why it is one message. */
export function formatDigest(entries: readonly DigestEntry[], now = Date.now()): SlackMessage {
  const headline = digestHeadline(entries, now);
  const blocks: SlackBlock[] = [
    section(`*${headline}*`),
    ...pack(entries.map((entry) => entry.line)).map((text) => section(text)),
    context(
      'One message for all of them: more were waiting for this channel than Slack lets through one by one. Outcomes reply in this thread.',
    ),
  ];
  return { text: headline, blocks };
}

/** Several replies for one thread, one line each, as one message. */
export function formatCombinedReply(lines: readonly string[]): SlackMessage {
  return { text: truncate(lines.join('\n'), LIMITS.fallbackText), blocks: pack(lines).map((text) => section(text)) };
}

/** How many of `lines`, from the first, fit one digest. */
export function digestCapacity(lines: readonly string[]): number {
  return capacity(lines, LINE_SECTIONS, MAX_TOTAL);
}

/** How many of `lines`, from the first, fit one combined reply. */
export function replyCapacity(lines: readonly string[]): number {
  return capacity(lines, LIMITS.blocks, MAX_TOTAL);
}

function capacity(lines: readonly string[], maxSections: number, maxTotal: number): number {
  let sections = 0;
  let current = -1;
  let total = 0;
  for (let index = 0; index < lines.length; index += 1) {
    const length = lines[index]!.length;
    total += length + 1;
    if (total > maxTotal) return index;
    if (current >= 0 && current + 1 + length <= LIMITS.sectionText) {
      current += 1 + length;
      continue;
    }
    sections += 1;
    if (sections > maxSections) return index;
    current = length;
  }
  return lines.length;
}

function line(text: string): string {
  return truncate(text, MAX_LINE);
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((candidate) => candidate.trim() !== '')
      ?.trim() ?? ''
  );
}
