import type { RootKind } from './provider.js';

export type ItemKind = RootKind | 'reply';

/** One thing to post to one address: a root (keyed by its event) or a thread reply (keyed by its check event). */
export interface QueueItem {
  address: string;
  /** The event a root announces, or the check.finished event a reply tells. */
  key: string;
  kind: ItemKind;
  /** The event a root announces, or the deployment whose thread a reply goes in. */
  eventId: string;
  deliveryId: string;
  threadId: string | null;
  /** The message as posted on its own, in the provider's format. */
  message: unknown;
  /** Its line in a digest (roots) or a combined reply (replies), already escaped for the provider. */
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
  address: string;
  /** `single`: one message as itself; `digest`: several roots as one; `replies`: several replies in one thread. */
  kind: 'single' | 'digest' | 'replies';
  items: QueuedRow[];
}

/** The columns a batch reads of a queued item (everything but the message). */
export const ROW_COLUMNS = 'address, item_key, kind, event_id, delivery_id, thread_id, line, application, queued_at';

export interface QueueDbRow {
  address: string;
  item_key: string;
  kind: ItemKind;
  event_id: string;
  delivery_id: string;
  thread_id: string | null;
  line: string;
  application: string | null;
  queued_at: Date;
}

export function toQueuedRow(row: QueueDbRow): QueuedRow {
  return {
    address: row.address,
    key: row.item_key,
    kind: row.kind,
    eventId: row.event_id,
    deliveryId: row.delivery_id,
    threadId: row.thread_id,
    line: row.line,
    application: row.application,
    queuedAt: row.queued_at,
  };
}
