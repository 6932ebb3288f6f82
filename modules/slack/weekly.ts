import { formatDuration } from './alerts.js';
import { fitMessage, section, type SlackMessage } from './blocks.js';
import { escapeText, link } from './mrkdwn.js';
import { slackRouting, type RoutingConfig } from './routing.js';
import { addressesForWeekly, type HubEvent } from '../../src/module-api.js';

type Weekly = HubEvent<'insights.weekly'>['payload'];
type Figures = Weekly['overall']['current'];

/** One channel's weekly message, and its line should several messages wait for that channel (a digest). */
export interface WeeklyPost {
  channel: string;
  message: SlackMessage;
  line: string;
}

const percent = (rate: number | null) => (rate === null ? 'n/a' : `${Number((rate * 100).toFixed(1))} %`);
const duration = (ms: number | null) => (ms === null ? 'n/a' : formatDuration(ms));
const deployments = (n: number) => `${n} deployment${n === 1 ? '' : 's'}`;
const signed = (change: number) => (change > 0 ? `+${change}` : change < 0 ? `−${-change}` : '±0');

/** The four measures of one week against the week before, a line each. */
function measureLines(now: Figures, before: Figures): string[] {
  return [
    `• Deployments: *${now.deployments}* on ${now.deploymentDays} day${now.deploymentDays === 1 ? '' : 's'} (${signed(now.deployments - before.deployments)}; ${before.deployments} the week before)`,
    `• Change failure rate: *${percent(now.changeFailureRate)}*, ${now.failed} of ${now.deployments} (was ${percent(before.changeFailureRate)}, ${before.failed} of ${before.deployments})`,
    `• Time to restore: *${duration(now.timeToRestoreMedianMs)}* median of ${now.restored} (was ${duration(before.timeToRestoreMedianMs)} of ${before.restored})`,
    `• Lead time: *${duration(now.leadTimeMedianMs)}* median of ${now.leadTimes} (was ${duration(before.leadTimeMedianMs)} of ${before.leadTimes})`,
  ];
}

function headline(summary: Weekly, team: string | null): string {
  const whose = team === null ? '' : ` of ${escapeText(team)}`;
  return `*Delivery insights${whose} in ${escapeText(summary.cluster)}, week of ${escapeText(summary.week.from.slice(0, 10))}* (against the week before)`;
}

/** SLACK_CHANNELS' message: the whole cluster, and a line per team. */
export function formatWeeklyOverall(summary: Weekly): SlackMessage {
  const { current, previous } = summary.overall;
  const teams = summary.teams.map(
    (team) =>
      `${escapeText(team.team)} ${team.current.deployments} (${signed(team.current.deployments - team.previous.deployments)})`,
  );
  const blocks = [section([headline(summary, null), ...measureLines(current, previous)].join('\n'))];
  if (teams.length > 0) blocks.push(section(`Deployments per team: ${teams.join(' · ')}`));
  blocks.push(section(link(summary.link, 'The insights on the hub')));
  return fitMessage({
    text: `Delivery insights in ${escapeText(summary.cluster)}, week of ${escapeText(summary.week.from.slice(0, 10))}: ${deployments(current.deployments)}`,
    blocks,
  });
}

/** A team's channel's message: that team's figures only. */
export function formatWeeklyTeam(summary: Weekly, team: Weekly['teams'][number]): SlackMessage {
  const blocks = [
    section([headline(summary, team.team), ...measureLines(team.current, team.previous)].join('\n')),
    section(link(team.link, `${team.team} on the hub`)),
  ];
  return fitMessage({
    text: `Delivery insights of ${escapeText(team.team)}, week of ${escapeText(summary.week.from.slice(0, 10))}: ${deployments(team.current.deployments)}`,
    blocks,
  });
}

/** The overall message and its digest line. */
export function weeklyOverall(summary: Weekly): { message: SlackMessage; line: string } {
  return {
    message: formatWeeklyOverall(summary),
    line: `• Weekly delivery insights in ${escapeText(summary.cluster)}: ${deployments(summary.overall.current.deployments)}`,
  };
}

/** A team's message and its digest line. */
export function weeklyTeam(summary: Weekly, team: Weekly['teams'][number]): { message: SlackMessage; line: string } {
  return {
    message: formatWeeklyTeam(summary, team),
    line: `• Weekly delivery insights of ${escapeText(team.team)}: ${deployments(team.current.deployments)}`,
  };
}

/**
 * Who gets what (the notification layer's weekly routing over the SLACK_* settings): SLACK_CHANNEL_OVERRIDE alone
 * gets the overall summary; otherwise SLACK_CHANNELS gets the overall summary and each team's channels (those
 * its deployments named that contain its name, kept to SLACK_ALLOWED_CHANNELS) get the team's. A channel gets
 * one message: the overall one if it is in SLACK_CHANNELS, else its first team's.
 */
export function weeklyPosts(config: RoutingConfig, summary: Weekly): { posts: WeeklyPost[]; dropped: string[] } {
  const { sends, dropped } = addressesForWeekly(slackRouting(config), summary);
  const posts = sends.map(({ address, team }) => {
    const figures = team === null ? undefined : summary.teams.find((candidate) => candidate.team === team);
    return { channel: address, ...(figures ? weeklyTeam(summary, figures) : weeklyOverall(summary)) };
  });
  return { posts, dropped };
}
