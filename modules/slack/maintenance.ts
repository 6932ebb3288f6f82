import { formatDuration } from './alerts.js';
import { fitMessage, section, type SlackMessage } from './blocks.js';
import { escapeText, link } from './mrkdwn.js';
import { allowChannels, normaliseChannels, type RoutingConfig } from './routing.js';
import type { HubEvent } from '../../src/module-api.js';

type Ended = HubEvent<'silence.ended'>['payload'];
type Item = Ended['stillFailing'][number];

/** One channel's summary after a silence or maintenance window closed. */
export interface MaintenancePost {
  channel: string;
  message: SlackMessage;
  line: string;
}

function headline(count: number): string {
  return `Still failing after the maintenance window: ${count} check${count === 1 ? '' : 's'}`;
}

function itemLine(item: Item, now: number): string {
  const lasted = formatDuration(now - Date.parse(item.since));
  return `• *${escapeText(item.status)}* ${link(item.link, item.key)}: ${escapeText(item.title)} (failing since ${escapeText(item.since)}, ${lasted})`;
}

/**
 * One summary per channel: each still-failing item goes where its alert would have gone (its own channels, or
 * SLACK_CHANNELS when it names none; SLACK_CHANNEL_OVERRIDE takes everything), kept to SLACK_ALLOWED_CHANNELS.
 */
export function maintenancePosts(
  config: RoutingConfig,
  ended: Ended,
  now = Date.now(),
): { posts: MaintenancePost[]; dropped: string[] } {
  const byChannel = new Map<string, Item[]>();
  const dropped: string[] = [];
  for (const item of ended.stillFailing) {
    const wanted =
      config.channelOverride.length > 0
        ? normaliseChannels(config.channelOverride)
        : normaliseChannels(item.slackChannels).length > 0
          ? normaliseChannels(item.slackChannels)
          : normaliseChannels(config.channels);
    const route = allowChannels(config, wanted);
    dropped.push(...route.dropped);
    for (const channel of route.channels) byChannel.set(channel, [...(byChannel.get(channel) ?? []), item]);
  }
  const posts = [...byChannel.entries()].map(([channel, items]) => {
    const text = headline(items.length);
    const blocks = [
      section(`:construction: *${escapeText(text)}*\n${escapeText(ended.reason)} (by ${escapeText(ended.createdBy)})`),
      section(items.map((item) => itemLine(item, now)).join('\n')),
      section(link(ended.link, 'Silences on the hub')),
    ];
    return { channel, message: fitMessage({ text, blocks }), line: `• ${escapeText(text)}` };
  });
  return { posts, dropped: [...new Set(dropped)] };
}
