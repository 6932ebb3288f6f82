import type { AxiosInstance } from 'axios';
import type { z } from 'zod';
import type { CoreConfig } from '../config/config.js';
import type { Thresholds } from '../events/alert-state.js';
import type { CheckStatus } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { DeployedApplication } from '../store/deployment-history.js';
import type { HttpClientOptions } from './http-options.js';

/** What an inspection reports, one per key it looked at (the monitoring platform's event: title, message, level, dimension tags). */
export interface InspectionEvent {
  /** One line, plain text. */
  title: string;
  /** Markdown, at most 64 KiB. */
  message: string;
  status: CheckStatus;
  /** The key within the inspection: `{application, cluster}`. None: the inspection has one key. */
  dimensions?: Record<string, string>;
  /** Where an alert about this key should go (Slack), when the inspection knows: the deployment's channels. */
  slackChannels?: string[];
}

/** What one run of an inspection is handed. */
export interface InspectionContext<P> {
  /** The effective parameters: central values over env over the schema's defaults, read at the start of this run. */
  parameters: P;
  firedAt: Date;
  /** Fires at the inspection's timeout: stop what was started. */
  signal: AbortSignal;
  logger: Logger;
  /** Outbound HTTP with a timeout and redacted errors (the same client modules get). */
  http(options: HttpClientOptions): AxiosInstance;
  /** Read access to the deployment history: the latest deployment of each application and cluster. */
  deployments: { latest(): Promise<DeployedApplication[]> };
  core: Readonly<CoreConfig>;
}

/**
 * Scheduled work that reports inspection events. The core runs it every `every` once per tick across all
 * replicas, records each run as a run of the check `<module>.<name>`, keeps an alert state per key and
 * publishes `inspection` events only when a key's alert changes (alert, escalated, recovered).
 */
export interface Inspection<S extends z.ZodObject = z.ZodObject> {
  /** Unique within the module: the check is `<module>.<name>`. */
  name: string;
  /** For people: the status page, alerts. */
  title: string;
  description: string;
  /** An interval (`30s`, `5m`, `1h`; at least 10 s) or a five-field cron pattern (UTC). SCHEDULE_<ID> overrides it. */
  every: string;
  /** A zod object with a default for every field; operators set values centrally or by env (INSPECTION_<ID>_<PARAM>). */
  parameters: S;
  /** Parameter names whose values are never shown (`***` in listings and the change log). */
  secrets?: readonly string[];
  thresholds?: Partial<Thresholds>;
  /** Limit for one run; default 60 s. */
  timeoutMs?: number;
  run(
    context: InspectionContext<z.output<S>>,
  ): Promise<InspectionEvent | InspectionEvent[]> | InspectionEvent | InspectionEvent[];
}

/** Keeps the parameters' type between the schema and `run`. */
export function defineInspection<S extends z.ZodObject>(inspection: Inspection<S>): Inspection<S> {
  return inspection;
}

export type AnyInspection = Inspection<z.ZodObject>;
