import type { DeliveryErrorInfo } from '../errors.js';
import type { Deployment, ErrorReport, Recommendation } from './enrich.js';

/** What a module may return from a handler: recorded as the check's result and shown on the event. */
export interface CheckResult {
  /** One line for people (Slack threads, the events API). */
  summary?: string;
  /** A single headline score, 0-100. */
  score?: number;
  scores?: Record<string, number>;
  link?: string;
  details?: Record<string, unknown>;
  /** false keeps an outcome off the deployment's thread (nothing worth telling). Default true when there is a summary. */
  notify?: boolean;
}

export type { DeliveryErrorInfo };

export type DeliveryStatus = 'queued' | 'in_progress' | 'succeeded' | 'failed' | 'dead' | 'skipped';

/** A module's delivery of an ingested event reached an end: emitted on the bus so other modules (Slack) can report it. */
export interface CheckFinished {
  eventId: string;
  eventType: EventType;
  module: string;
  deliveryId: string;
  status: 'succeeded' | 'dead';
  attempts: number;
  result: CheckResult | null;
  error: DeliveryErrorInfo | null;
}

export interface EventMap {
  deployment: Deployment;
  error: ErrorReport;
  recommendation: Recommendation;
  'check.finished': CheckFinished;
}

export type EventType = keyof EventMap;

export const EVENT_TYPES: readonly EventType[] = ['deployment', 'error', 'recommendation', 'check.finished'];

export interface HubEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  payload: EventMap[T];
  receivedAt: string;
  /** For derived events (check.finished): the ingested event they are about. */
  parentId: string | null;
  /** The body exactly as received (unknown fields included); not validated, never to be trusted. */
  raw: unknown;
}
