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

/**
 * Cuts a message to Slack's limits, each cut marked with "…(truncated)". Slack rejects the whole message
 * (`invalid_blocks`, `msg_too_long`) when one part is too long; a cut message still tells people something.
 */
export function fitMessage(message: SlackMessage): SlackMessage {
  let blocks = message.blocks.map(fitBlock);
  if (blocks.length > LIMITS.blocks) {
    const dropped = blocks.length - (LIMITS.blocks - 1);
    blocks = [
      ...blocks.slice(0, LIMITS.blocks - 1),
      context(`${TRUNCATED_NOTE} ${dropped} more block${dropped === 1 ? '' : 's'} not shown`),
    ];
  }
  return { text: truncate(message.text, LIMITS.fallbackText), blocks };
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
