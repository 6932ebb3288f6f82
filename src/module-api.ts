/**
 * Everything a module may use of the core, in one place. Files under modules/ import the core through this
 * file only (test/architecture.test.ts fails otherwise), so the core can change behind it.
 */
export { defineModule } from './module-system/contract.js';
export type {
  AnyModuleDefinition,
  DeliveryContext,
  Enablement,
  Handler,
  Handlers,
  HttpClientOptions,
  HubModule,
  ModuleContext,
  ModuleDefinition,
  OwnDelivery,
  Publish,
  PublishOptions,
  ScheduleContext,
  ScheduledWork,
} from './module-system/contract.js';

export type {
  CheckFinished,
  CheckKind,
  CheckResult,
  CheckStatus,
  DeliveryStatus,
  EventMap,
  EventType,
  HubEvent,
  InspectionTransition,
  TransitionName,
} from './events/types.js';
export { defineInspection } from './module-system/inspection-contract.js';
export type {
  AnyInspection,
  Inspection,
  InspectionContext,
  InspectionEvent,
} from './module-system/inspection-contract.js';
export type { DeployedApplication } from './store/deployment-history.js';
export type { Deployment, ErrorReport, Importance, Recommendation } from './events/enrich.js';
export type { ClusterHosts, ClusterName, CoreConfig } from './config/config.js';

export {
  DeliveryDeferral,
  DeliveryError,
  HubError,
  UpstreamError,
  codeForStatus,
  isPermanentStatus,
  parseRetryAfter,
  type DeliveryCode,
  type DeliveryErrorInfo,
  type ErrorCode,
} from './errors.js';

export { envBool, envInt, envList, envString, envUrl, envUrlWithDefault, isHttpUrl } from './config/env.js';
export type { Logger } from './logging/logger.js';
export type { Db, Queryable } from './store/db.js';
export type { Migration } from './store/migrate.js';
export { isUuid } from './store/delivery-views.js';
/**
 * Group commit for a module's own statements: callers arriving while a statement runs share the next one. A
 * statement costs PostgreSQL far more than the rows it carries (a single-row insert with its commit costs several
 * times the CPU of one more row in a batch; docs/benchmarks.md), so a module writing once per delivery should
 * write through one.
 */
export { Batcher, type BatcherOptions } from './util/batcher.js';
/** The CloudEvents extension naming the hub's own event (modules that send CloudEvents set it). */
export { OWN_EVENT_EXTENSION } from './ingest/sources/cloudevents-http.js';
/** Documents a module's route in the OpenAPI document (and validates its query and body): `router.get(path, doc({...}), handler)`. */
export { doc, type RouteDoc } from './http/route-docs.js';
/** The hub's rules for input: text and times PostgreSQL can store, names that are no prototype's member. */
export {
  isPostgresTimeText,
  storableRecord,
  storableText,
  storableTime,
} from './util/input-rules.js';

// Outbound URLs taken from payloads: the one guard (src/outbound/url-guard.ts), a fetch and a browser proxy through it.
export {
  createUrlGuard,
  UrlRefusedError,
  type Checked,
  type Refused,
  type Resolve,
  type UrlGuard,
  type UrlGuardOptions,
} from './outbound/url-guard.js';
export { guardedFetch, type GuardedFetchOptions, type GuardedResponse } from './outbound/guarded-fetch.js';
export { startGuardedProxy, type GuardedProxy } from './outbound/guarded-proxy.js';
export { parseHostRule, type HostRule } from './config/host-rules.js';
