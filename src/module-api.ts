/**
 * Everything a module may use of the core, in one place. Files under modules/ import the core through this
 * file only (test/architecture.test.ts fails otherwise), so the core can change behind it.
 */
export { defineModule } from './module-system/contract.js';
export type { AnyModuleDefinition, DeliveryContext, Enablement } from './module-system/contract.js';

export type { CheckFinished, CheckResult, CheckStatus, HubEvent, InspectionTransition } from './events/types.js';
export { defineInspection } from './module-system/inspection-contract.js';
export type { InspectionEvent } from './module-system/inspection-contract.js';
export type { Deployment, ErrorReport, Recommendation } from './events/enrich.js';
export type { ClusterHosts, CoreConfig } from './config/config.js';

export { DeliveryError, HubError, UpstreamError, codeForStatus, isPermanentStatus, parseRetryAfter } from './errors.js';

export { envBool, envInt, envList, envString, envUrl, envUrlWithDefault, isHttpUrl } from './config/env.js';
export type { Logger } from './logging/logger.js';
export type { Db } from './store/db.js';
export type { Migration } from './store/migrate.js';
export { isUuid } from './store/delivery-views.js';
/**
 * Group commit for a module's own statements: callers arriving while a statement runs share the next one. A
 * statement costs PostgreSQL far more than the rows it carries (a single-row insert with its commit costs several
 * times the CPU of one more row in a batch; docs/benchmarks.md), so a module writing once per delivery should
 * write through one.
 */
export { Batcher } from './util/batcher.js';
/** The CloudEvents extension naming the hub's own event (modules that send CloudEvents set it). */
export { OWN_EVENT_EXTENSION } from './ingest/sources/cloudevents-http.js';
/** Documents a module's route in the OpenAPI document (and validates its query and body): `router.get(path, doc({...}), handler)`. */
export { doc } from './http/route-docs.js';
/** The hub's rules for input: text and times PostgreSQL can store, names that are no prototype's member. */
export { isPostgresTimeText, storableText, storableTime } from './util/input-rules.js';

// Outbound URLs taken from payloads: the one guard (src/outbound/url-guard.ts), and a browser proxy through it.
export { createUrlGuard, type Refused, type Resolve, type UrlGuard } from './outbound/url-guard.js';
export { startGuardedProxy } from './outbound/guarded-proxy.js';
// The notification layer: a provider module (Slack, …) gives how to talk to its service; the layer decides what
// is said to whom, paces, digests, threads and keeps it exactly once (src/notify/).
export {
  createIncidentNotifier,
  type IncidentProvider,
  createProviderTargets,
  cardRender,
  cut,
  type Card,
  maintenanceHeadline,
  maintenanceLines,
  maintenanceReason,
  type MaintenancePart,
  type DigestEntry,
  type NotifyProvider,
  type PostMetadata,
  type Posted,
  type ProviderRender,
  type TargetRouting,
  allowAddresses,
  addressesForDeployment,
  addressesForError,
  addressesForRecommendation,
  addressesForWeekly,
} from './notify/index.js';
/** Liquid under the layer's limits (no files, 200 ms, 1 MB), every payload string escaped for the output's format. */
export { renderTemplate, templateProblem, type TemplateKind } from './notify/templates.js';
