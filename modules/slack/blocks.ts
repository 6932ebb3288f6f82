import { TRUNCATED_NOTE, truncate } from './mrkdwn.js';

export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}

/** The few Block Kit blocks the module sends. */
export type SlackBlock =
  | { type: 'section'; text: TextObject; fields?: TextObject[] }
  | { type: 'section'; fields: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

/** A message as chat.postMessage and chat.update take it: blocks, and `text` for notifications and old clients. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack's documented limits for what we send. */
export const LIMITS = {
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextText: 2000,
  contextElements: 10,
  blocks: 50,
  /** Every text of every block together. */
  messageText: 40_000,
  /** Slack accepts 40,000 but cuts notification text at about 4,000; past that the fallback helps nobody. */
  fallbackText: 4000,
} as const;

export const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text });

export function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(text) };
}

export function context(...texts: string[]): SlackBlock {
  return { type: 'context', elements: texts.map(mrkdwn) };
}

/** Lines joined into sections of at most Slack's 3,000 characters, never splitting a line (a longer one is cut). */
export function pack(lines: readonly string[]): string[] {
  const sections: string[] = [];
  for (const text of lines) {
    const last = sections.length - 1;
    if (last >= 0 && sections[last]!.length + 1 + text.length <= LIMITS.sectionText) sections[last] += `\n${text}`;
    else sections.push(text);
  }
  return sections;
}

/** A message of one text (a reply, what a template rendered): its lines packed into sections, cut to the limits. */
export function textMessage(text: string): SlackMessage {
  return fitMessage({ text, blocks: pack(text.split('\n')).map(section) });
}

// Room for the notice that says what was left out, within the message's limit.
const NOTICE_ROOM = 100;

/**
 * Cuts a message to Slack's limits, each cut marked with "…(truncated)". Slack rejects the whole message
 * (`invalid_blocks`, `msg_too_long`, `msg_blocks_too_long`) when one part is too long; a cut message still tells
 * people something.
 * Blocks past the 50th, or past 40,000 characters in all, give way to one block saying how many were left out.
 */
export function fitMessage(message: SlackMessage): SlackMessage {
  const fitted = message.blocks.map(fitBlock);
  let kept = 0;
  let used = 0;
  for (const block of fitted) {
    used += textLength(block);
    if (kept === LIMITS.blocks || used > LIMITS.messageText - NOTICE_ROOM) break;
    kept += 1;
  }
  if (kept === fitted.length) return { text: truncate(message.text, LIMITS.fallbackText), blocks: fitted };
  // The notice takes a block of its own: one fewer when the count was the limit.
  kept = Math.min(kept, LIMITS.blocks - 1);
  const dropped = fitted.length - kept;
  const blocks = [
    ...fitted.slice(0, kept),
    context(`${TRUNCATED_NOTE} ${dropped} more block${dropped === 1 ? '' : 's'} not shown`),
  ];
  return { text: truncate(message.text, LIMITS.fallbackText), blocks };
}

function textLength(block: SlackBlock): number {
  switch (block.type) {
    case 'section':
      return (
        ('text' in block ? block.text.text.length : 0) + (block.fields ?? []).reduce((n, f) => n + f.text.length, 0)
      );
    case 'context':
      return block.elements.reduce((n, element) => n + element.text.length, 0);
    default:
      return 0;
  }
}

function fitBlock(block: SlackBlock): SlackBlock {
  switch (block.type) {
    case 'section': {
      const fields = 'fields' in block && block.fields ? fitFields(block.fields) : undefined;
      if ('text' in block)
        return { type: 'section', text: fitText(block.text, LIMITS.sectionText), ...(fields ? { fields } : {}) };
      return { type: 'section', fields: fields ?? [] };
    }
    case 'context':
      return {
        type: 'context',
        elements: block.elements
          .slice(0, LIMITS.contextElements)
          .map((element) => fitText(element, LIMITS.contextText)),
      };
    default:
      return block;
  }
}

function fitFields(fields: TextObject[]): TextObject[] {
  return fields.slice(0, LIMITS.fields).map((field) => fitText(field, LIMITS.fieldText));
}

function fitText(text: TextObject, max: number): TextObject {
  return { ...text, text: truncate(text.text, max) };
}
