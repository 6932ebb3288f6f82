import { fitMessage, section, type SlackMessage } from './blocks.js';
import { escapeText, link } from './mrkdwn.js';
import {
  maintenanceHeadline,
  maintenanceLines,
  maintenanceReason,
  type HubEvent,
  type MaintenancePart,
} from '../../src/module-api.js';

type Ended = HubEvent<'silence.ended'>['payload'];

const MARKUP = { escape: escapeText, link, strong: (text: string) => `*${text}*` };

/**
 * One channel's summary after a silence or maintenance window closed: the layer's shared words (which checks and
 * applications are still failing) in Block Kit. The layer chose the channel as it would have for each alert.
 */
export function maintenanceMessage(
  ended: Ended,
  part: MaintenancePart,
  now = Date.now(),
): { message: SlackMessage; line: string } {
  const text = maintenanceHeadline(part);
  const lines = maintenanceLines(ended, part, MARKUP, now).map((line) => `• ${line}`);
  const blocks = [
    section(`:construction: *${escapeText(text)}*\n${maintenanceReason(ended, MARKUP)}`),
    section(lines.join('\n')),
    section(link(ended.link, 'Silences on the hub')),
  ];
  return { message: fitMessage({ text, blocks }), line: `• ${escapeText(text)}` };
}
