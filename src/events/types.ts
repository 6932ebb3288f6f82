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

/** `suppressed`: a notification a silence held; kept with the silence's id, and replayable. */
export type DeliveryStatus = 'queued' | 'in_progress' | 'succeeded' | 'failed' | 'dead' | 'skipped' | 'suppressed';

/** A module's delivery of an ingested event reached an end: emitted on the bus so other modules (Slack) can report it. */
export interface CheckFinished {
  /** The ingested event the delivery was of. */
  eventId: string;
  /** That event's type. */
  eventType: EventType;
  /** The module whose delivery ended. */
  module: string;
  /** The delivery (`GET /api/v1/events/:id` lists it). */
  deliveryId: string;
  /** `succeeded`, or `dead`: no attempt is left. */
  status: 'succeeded' | 'dead';
  /** Attempts made, the last included. */
  attempts: number;
  /** What the module returned, when it succeeded. */
  result: CheckResult | null;
  /** How the last attempt failed, when it is dead. */
  error: DeliveryErrorInfo | null;
}

/** How a check's result stands, best first: `warning` and worse are bad and can raise an alert. */
export type CheckStatus = 'ok' | 'info' | 'warning' | 'error' | 'critical';

/** What kind of check a run belongs to: a module (its deliveries), an inspection, or an external tool. */
export type CheckKind = 'module' | 'inspection' | 'external';

/** A key's alert moved: raised, got worse while raised, or recovered. */
export type TransitionName = 'alert' | 'escalated' | 'recovered';

/**
 * An `inspection` event: one key of an inspection or external check changed its alert state. Published through
 * the bus (so Slack, a webhook or any module may subscribe), with everything a message needs.
 */
export interface InspectionTransition {
  /** The check: `<module>.<inspection>` (`endpoints.health`, `core.deliveries`) or an external check's name. */
  check: string;
  /** `inspection` (the hub checks) or `external` (a tool reports through the checks API). */
  kind: Exclude<CheckKind, 'module'>;
  /** The check plus its sorted dimensions: `endpoints.health{application=app,cluster=active}`. */
  key: string;
  /** What the key is about (`application`, `cluster`, a URL), as the check named it. */
  dimensions: Record<string, string>;
  /** `alert` (raised), `escalated` (worse while raised) or `recovered`. */
  transition: TransitionName;
  /** The status now, and that of the result before it. */
  status: CheckStatus;
  /** The status of the result before, or null for the first. */
  previousStatus: CheckStatus | null;
  /** When the alert began (for `recovered`: the alert that ended), ISO time. */
  since: string;
  /** Milliseconds since `since`: "recovered after 12 min". */
  durationMs: number;
  /** The latest result's one-line title and Markdown message. */
  title: string;
  /** The latest Markdown message. */
  message: string;
  /** The check on the hub: `${publicUrl}/checks/<check>`. */
  link: string;
  /** Where to tell people, when known: the deployment's channels (endpoint health), the check's own (external). */
  slackChannels: string[];
  /** The run that caused it. */
  runId: string;
  /** When the transition happened, ISO time. */
  at: string;
}

/** One week's delivery figures, as the weekly summary compares them. Durations in ms; null = n/a. */
export interface WeekFigures {
  /** Deployments that week (a rollback is one); see docs/reference/insights.md for what counts. */
  deployments: number;
  /** Days (UTC) of that week with at least one deployment. */
  deploymentDays: number;
  /** Deployments that failed: an error or an alert for the application followed, or a rollback replaced them. */
  failed: number;
  /** failed / deployments; null without deployments. */
  changeFailureRate: number | null;
  /** Failed deployments restored since (a recovery, a later good deployment or the rollback). */
  restored: number;
  /** The median time from a failure to its restore, ms; null when none was restored. */
  timeToRestoreMedianMs: number | null;
  /** Deployments with a lead time (their `created`, the build time, is known). */
  leadTimes: number;
  /** The median time from `created` to the deployment's arrival, ms; null when no lead time is known. */
  leadTimeMedianMs: number | null;
}

/**
 * `insights.weekly`: the core's Monday summary of last week against the week before, overall and per team
 * (src/insights/weekly.ts). `slackChannels` of a team: channels its deployments named that contain its name.
 */
export interface InsightsWeekly {
  /** The cluster the figures are of. */
  cluster: string;
  /** The seven days before the summary's end, ISO times. */
  week: { from: string; to: string };
  /** The week before it. */
  previousWeek: { from: string; to: string };
  /** The insights page on the hub for that week. */
  link: string;
  /** The whole cluster, this week and the one before. */
  overall: { current: WeekFigures; previous: WeekFigures };
  /** Each team's figures, and the channels that get its summary. */
  teams: Array<{ team: string; slackChannels: string[]; link: string; current: WeekFigures; previous: WeekFigures }>;
}

/**
 * `cdevent`: a CDEvent of a type the hub does not turn into a deployment or an error (an artifact published, a
 * pipeline run started or succeeded): kept, visible in the events API and on the event page, routed to no module.
 */
export interface StoredCdEvent {
  /** The CDEvents type: `dev.cdevents.pipelinerun.started.0.2.0`. */
  cdeventType: string;
  /** The CDEvents spec version the event declares (`0.4.1`, `0.5.0`). */
  specVersion: string;
  /** The CDEvent's `context.id`. */
  id: string;
  /** The CDEvent's `context.source`. */
  source: string;
  /** The CDEvent's `context.timestamp`. */
  timestamp: string;
  /** The subject's id. */
  subjectId: string;
  /** The subject's content as sent. */
  content: unknown;
  /** Set for `pipelinerun.finished` / `taskrun.finished`: success, failure, cancel, error. */
  outcome: string | null;
}

/** One thing a silence held that is still in alert when it ended. */
export interface StillFailing {
  check: string;
  key: string;
  status: CheckStatus;
  /** When its alert began, ISO time. */
  since: string;
  title: string;
  /** The check on the hub. */
  link: string;
  /** Where its alert was to go, when known (empty: the notification module's default channels). */
  slackChannels: string[];
}

/**
 * Errors a silence held for one application and cluster (a failed pipeline or deployment is reported as an error)
 * that no deployment of that application to that cluster followed by the time the window closed.
 */
export interface StillErroring {
  /** The application the errors named, or null when they named none. */
  application: string | null;
  /** The cluster they named, or null. */
  cluster: string | null;
  /** How many errors the window held for it that no deployment followed. */
  count: number;
  /** The first of them, ISO time. */
  firstAt: string;
  /** The latest one's message, as sent. */
  latestMessage: string;
  /** When the latest one came, ISO time. */
  latestAt: string;
  /** The latest one's event (`/api/v1/events/:id`). */
  latestEventId: string;
  /** The latest error's page on the hub. */
  link: string;
  /** Where the latest error was to go (empty: the notification module's default addresses). */
  slackChannels: string[];
}

/**
 * `silence.ended`: a silence or maintenance window closed while something it held is still in alert; published
 * once per closing (src/silences/summaries.ts) so notification modules say so, one summary per address. What
 * recovered during the window (a check back to ok, an application deployed again) is not in it; a window that
 * leaves nothing failing publishes nothing.
 */
export interface SilenceEnded {
  /** The silence or window that closed (`/api/v1/silences/:id`). */
  silenceId: string;
  /** Why it was set, as its author wrote. */
  reason: string;
  /** Who set it (by default the sender of its token). */
  createdBy: string;
  /** When it held: the occurrence that just closed, ISO times. */
  window: { opensAt: string; closesAt: string };
  /** What it held that is still in alert, one entry per key. */
  stillFailing: StillFailing[];
  /**
   * Errors it held, per application and cluster, with no deployment of them since (absent in summaries from hubs
   * that told checks only: read it as empty).
   */
  stillErroring?: StillErroring[];
  /** The silences page on the hub. */
  link: string;
}

export interface EventMap {
  deployment: Deployment;
  error: ErrorReport;
  recommendation: Recommendation;
  'check.finished': CheckFinished;
  inspection: InspectionTransition;
  'insights.weekly': InsightsWeekly;
  cdevent: StoredCdEvent;
  'silence.ended': SilenceEnded;
}

export type EventType = keyof EventMap;

export const EVENT_TYPES: readonly EventType[] = [
  'deployment',
  'error',
  'recommendation',
  'check.finished',
  'inspection',
  'insights.weekly',
  'cdevent',
  'silence.ended',
];

export interface HubEvent<T extends EventType = EventType> {
  /** The event id (a UUID): `GET /api/v1/events/:id`. */
  id: string;
  /** One of the types below. */
  type: T;
  /** The validated, enriched payload of that type. */
  payload: EventMap[T];
  /** When the hub accepted it, ISO time. */
  receivedAt: string;
  /** For derived events (check.finished): the ingested event they are about. */
  parentId: string | null;
  /** The body exactly as received (unknown fields included); not validated, never to be trusted. */
  raw: unknown;
}
