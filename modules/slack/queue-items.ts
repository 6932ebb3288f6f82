import type { SlackMessage } from './blocks.js';

export type ItemKind = 'deployment' | 'error' | 'recommendation' | 'alert' | 'summary' | 'reply';

/** One thing to post to one channel: a root (keyed by its event) or a thread reply (keyed by its check event). */
export interface QueueItem {
  channel: string;
  /** The event a root announces, or the check.finished event a reply tells. */
  key: string;
  kind: ItemKind;
  /** The event a root announces, or the deployment whose thread a reply goes in. */
  eventId: string;
  deliveryId: string;
  threadTs: string | null;
  /** The message as posted on its own. */
  message: SlackMessage;
  /** Its line in a digest (roots) or a combined reply (replies), already escaped mrkdwn. */
  line: string;
  /** The application it is about (a digest's replies name it). */
  application: string | null;
}

/** A queued item as a batch carries it: everything but the message (a digest is built from the lines). */
export interface QueuedRow extends Omit<QueueItem, 'message'> {
  queuedAt: Date;
}

export interface Batch {
  id: string;
  channel: string;
  /** `single`: one message as itself; `digest`: several roots as one; `replies`: several replies in one thread. */
  kind: 'single' | 'digest' | 'replies';
  items: QueuedRow[];
}
