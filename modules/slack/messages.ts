import { LIMITS, context, fitMessage, mrkdwn, section, type SlackBlock, type SlackMessage } from './blocks.js';
import { boldLines, codeBlock, escapeText, link } from './mrkdwn.js';
import type { CheckFinished, Deployment, ErrorReport, Recommendation } from '../../src/module-api.js';

/** Where the hub's own pages live: links in messages point back at the event and the history. */
export interface HubLinks {
  publicUrl: string;
  eventId: string;
}

export function eventUrl(links: HubLinks, eventId = links.eventId): string {
  return `${links.publicUrl}/api/v1/events/${eventId}`;
}

/** The deployment-history view of this application in this cluster. */
export function historyUrl(publicUrl: string, applicationName: string, cluster: string | null): string {
  const query = new URLSearchParams({ applicationName });
  if (cluster) query.set('cluster', cluster);
  return `${publicUrl}/api/v1/deployments?${query.toString()}`;
}

/**
 * The one line the original sent, kept word for word: "N replica(s) of *name* are being deployed in *cluster*",
 * where N is the count or the text sent instead ("global replica(s) of ..." for a global-mode service). A
 * rollback says from which version to which; a source that counts no replicas (CDEvents, GitHub, GitLab) is
 * not given a count it did not send.
 */
export function deploymentHeadline(deployment: Deployment): string {
  const name = `*${escapeText(deployment.friendlyName)}*`;
  const cluster = `*${escapeText(deployment.cluster ?? 'an unknown cluster')}*`;
  if (deployment.removal) return `Started removing ${name} from ${cluster}`;
  const subject =
    deployment.replicas === null
      ? `${name} is`
      : `${escapeText(String(deployment.replicas))} replica(s) of ${name} are`;
  if (!deployment.rollback) return `${subject} being deployed in ${cluster}`;
  const from = deployment.rolledBackFrom ? ` from *${escapeText(deployment.rolledBackFrom)}*` : '';
  const to = deployment.version ? ` to *${escapeText(deployment.version)}*` : '';
  return `${subject} being rolled back${from}${to} in ${cluster}`;
}

/** The thread root: headline, the facts as fields, then links (application, monitor, logs, history, event). */
export function formatDeploymentMessage(deployment: Deployment, links: HubLinks): SlackMessage {
  const headline = deploymentHeadline(deployment);
  const fields = [
    field('Application', deployment.applicationName),
    field('Version', deployment.version),
    field(
      'Image',
      deployment.imageName && deployment.version
        ? `${deployment.imageName}:${deployment.version}`
        : deployment.imageName,
    ),
    field('Team', deployment.team),
    deployment.removal ? null : field('Importance', deployment.importance),
  ].filter((value): value is string => value !== null);

  const linkParts = [
    deployment.removal ? null : optionalLink(deployment.applicationUrl, 'Application'),
    deployment.removal ? null : optionalLink(deployment.monitorUrl, 'Monitor'),
    optionalLink(deployment.logSearchUrl, 'Logs'),
    link(historyUrl(links.publicUrl, deployment.applicationName, deployment.cluster), 'History'),
    link(eventUrl(links), 'Event'),
  ].filter((value): value is string => value !== null);

  const blocks: SlackBlock[] = [section(headline)];
  if (fields.length > 0) blocks.push({ type: 'section', fields: fields.map(mrkdwn) });
  blocks.push(context(linkParts.join(' · ')));
  return fitMessage({ text: headline, blocks });
}

/** Bold message, the stack trace in a code block, then where it came from; a storm summary says how many it folded. */
export function formatErrorMessage(error: ErrorReport, links: HubLinks): SlackMessage {
  const message = escapeText(error.message);
  const blocks: SlackBlock[] = [section(boldLines(message))];
  if (error.stackTrace) blocks.push(section(codeBlock(escapeText(error.stackTrace), LIMITS.sectionText)));
  if (error.repeats) {
    const { count, windowSeconds, firstEventId } = error.repeats;
    const minutes = Math.max(1, Math.round(windowSeconds / 60));
    blocks.push(
      context(
        `Repeated ${count} more time${count === 1 ? '' : 's'} within ${minutes} min, folded into this message · ${link(eventUrl(links, firstEventId), 'first report')}`,
      ),
    );
  }
  blocks.push(
    context(
      sourceLine(
        [
          ['Application', error.applicationName],
          ['Cluster', error.cluster],
        ],
        links,
      ),
    ),
  );
  return fitMessage({ text: `Error: ${message}`, blocks });
}

export function formatRecommendationMessage(recommendation: Recommendation, links: HubLinks): SlackMessage {
  const message = escapeText(recommendation.message);
  const blocks: SlackBlock[] = [
    section(`*Recommendation*\n${message}`),
    context(
      sourceLine(
        [
          ['Application', recommendation.applicationName],
          ['Team', recommendation.team],
        ],
        links,
      ),
    ),
  ];
  return fitMessage({ text: `Recommendation: ${message}`, blocks });
}

/** One line per finished check, posted in the deployment's thread: "✅ uptimerobot: Monitoring https://…". */
export function formatOutcomeLine(finished: CheckFinished): string {
  const module = escapeText(finished.module);
  if (finished.status === 'dead') {
    const attempts = `${finished.attempts} attempt${finished.attempts === 1 ? '' : 's'}`;
    const reason = finished.error?.message ? `: ${escapeText(finished.error.message)}` : '';
    return `⚠️ ${module} failed after ${attempts}${reason}`;
  }
  const result = finished.result;
  const summary = result?.summary ? `: ${escapeText(result.summary)}` : ' finished';
  const score = typeof result?.score === 'number' ? ` (score ${result.score})` : '';
  const details = result?.link ? ` · ${link(result.link, 'details')}` : '';
  return `✅ ${module}${summary}${score}${details}`;
}

export function formatOutcomeReply(finished: CheckFinished): SlackMessage {
  const line = formatOutcomeLine(finished);
  return fitMessage({ text: line, blocks: [section(line)] });
}

/** The root's one-line status: every outcome so far, in the order they arrived. */
export function formatStatusLine(outcomes: readonly CheckFinished[]): string {
  const parts = outcomes.map((finished) => {
    const module = escapeText(finished.module);
    if (finished.status === 'dead') return `⚠️ ${module} failed`;
    return typeof finished.result?.score === 'number' ? `✅ ${module} (${finished.result.score})` : `✅ ${module}`;
  });
  return `*Status:* ${parts.join(' · ')}`;
}

/** The root as posted, with the status line as its last block (replacing an earlier one). */
export function withStatusLine(root: SlackMessage, statusLine: string): SlackMessage {
  const blocks = root.blocks.filter((block) => !isStatusBlock(block));
  return fitMessage({ text: root.text, blocks: [...blocks, context(statusLine)] });
}

function isStatusBlock(block: SlackBlock): boolean {
  return block.type === 'context' && block.elements.length === 1 && block.elements[0]!.text.startsWith('*Status:* ');
}

function field(label: string, value: string | null): string | null {
  return value ? `*${label}*\n${escapeText(value)}` : null;
}

function optionalLink(url: string | null, label: string): string | null {
  return url ? link(url, label) : null;
}

function sourceLine(facts: Array<[string, string | null]>, links: HubLinks): string {
  const parts = facts.filter(([, value]) => value).map(([label, value]) => `*${label}:* ${escapeText(value!)}`);
  return [...parts, link(eventUrl(links), 'Event')].join(' · ');
}
