import type { EventType } from '../events/types.js';

/** The kinds of message the layer sends: what routes, templates and silences speak of. */
export type NotifyKind =
  | 'deployment'
  | 'removal'
  | 'error'
  | 'recommendation'
  | 'alert'
  | 'escalation'
  | 'recovery'
  | 'outcome'
  | 'weekly'
  /** What was still failing when a silence or maintenance window closed (words the provider composes). */
  | 'maintenance';

/** One send the layer is about to make: which event, said as which kind, to which target and address. */
export interface SendQuery {
  eventId: string;
  eventType: EventType;
  kind: NotifyKind;
  /** The event's payload as published (enriched): team, application, cluster, importance, status… */
  payload: unknown;
  target: string;
  address: string;
}

/**
 * Asked before every send: the id of the silence that suppresses it, or null to send. Called once per event,
 * target and address on each attempt, so it must be quick (read from memory or one indexed query) and must not
 * throw for an ordinary "no" (a throw fails the delivery, which is retried).
 */
export type SilenceCheck = (query: SendQuery) => Promise<string | null> | string | null;
