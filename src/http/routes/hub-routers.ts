import type { Router } from 'express';
import { hubRouter } from '../../util/http-router.js';
import type { CheckSystem } from '../../checks/check-system.js';
import type { ConfigFiles } from '../../config-file/service.js';
import type { CoreConfig } from '../../config/config.js';
import type { OpsConfig } from '../../config/ops-config.js';
import type { DeliveryEngine } from '../../delivery/engine.js';
import type { IngestService } from '../../ingest/ingest.js';
import type { Insights } from '../../insights/insights.js';
import type { ModuleRegistry } from '../../module-system/registry.js';
import type { NotifyHooks } from '../../notify/hooks.js';
import type { Operations } from '../../ops/operations.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { Silences } from '../../silences/silences.js';
import { aboutOf, notificationFacts } from '../../silences/facts.js';
import type { StatusPage } from '../../status-page/status-page.js';
import { checkSourceOf } from '../../status-page/check-source.js';
import type { Db } from '../../store/db.js';
import { knownEventIds } from '../../store/events-repo.js';
import type { Access } from '../auth.js';
import { adminRoutes, moduleRoutes } from './admin.js';
import { checkRoutes } from './checks.js';
import { configFileRoutes } from './config-file.js';
import { configFileGuard, configLiveRoutes } from './config-live.js';
import { eventRoutes } from './events.js';
import { healthRoutes } from './health.js';
import { ingestRoutes } from './ingest.js';
import { insightsRoutes } from './insights.js';
import { inspectionRoutes } from './inspections.js';
import { metricsRoutes } from './metrics.js';
import { notifyTargetRoutes } from './notify-targets.js';
import { notifyTemplateRoutes } from './notify-templates.js';
import { notifyRoutes } from './notify.js';
import { opsRoutes } from './ops.js';
import { scheduleRoutes } from './schedules.js';
import { silenceRoutes } from './silences.js';
import { sourceRoutes } from './sources.js';

export interface HubParts {
  db: Db;
  config: Readonly<CoreConfig>;
  opsConfig: OpsConfig;
  ingest: IngestService;
  registry: ModuleRegistry;
  engine: DeliveryEngine;
  scheduler: Scheduler;
  checks: CheckSystem;
  insights: Insights;
  silences: Silences;
  ops: Operations;
  statusPage: StatusPage;
  access: Access;
  notifyHooks: NotifyHooks;
  configFiles: ConfigFiles;
  isReady: () => boolean;
  publicUrl: () => string;
  shutdown: (reason: string) => void;
}

/** Every router of the hub, in the order express tries them: the table of contents of its HTTP side. */
export function hubRouters(parts: HubParts): Router[] {
  const { db, config, registry, engine, scheduler, checks, ops, access } = parts;
  const { adminToken, publicUrl } = config;
  const moduleRouter = hubRouter();
  registry.mountRoutes(moduleRouter);
  return [
    healthRoutes({ db, isReady: parts.isReady }),
    ingestRoutes({ config, ingest: parts.ingest, access }),
    sourceRoutes({ config, ingest: parts.ingest, access, knownEvents: (ids) => knownEventIds(db, ids) }),
    eventRoutes(db),
    configFileRoutes(),
    // Before the routes it guards: an API write to what the configuration file owns is a 409.
    configFileGuard({ ownership: parts.configFiles.ownership, access }),
    configLiveRoutes({ files: parts.configFiles, access }),
    moduleRoutes(registry),
    scheduleRoutes(scheduler, { adminToken, publicUrl }),
    checkRoutes({ catalog: checks.catalog, external: checks.external, adminToken, publicUrl }),
    inspectionRoutes({ inspections: checks.inspections, adminToken }),
    insightsRoutes(parts.insights),
    silenceRoutes({ silences: parts.silences, access, moduleOf: (target) => parts.notifyHooks.moduleOf(target) }),
    adminRoutes({ db, registry, engine, access }),
    notifyRoutes({
      hooks: parts.notifyHooks,
      db,
      config,
      access,
      publicUrl: parts.publicUrl,
      heldBy: (event, to) => parts.silences.holding(notificationFacts(event, aboutOf(event.payload), to))?.id ?? null,
    }),
    notifyTargetRoutes({ hooks: parts.notifyHooks, access }),
    notifyTemplateRoutes({ hooks: parts.notifyHooks, db, config, access, publicUrl: parts.publicUrl }),
    metricsRoutes({
      metrics: ops.metrics,
      metricsToken: parts.opsConfig.metricsToken,
      version: ops.version,
      publicUrl: parts.publicUrl,
    }),
    opsRoutes({
      adminToken,
      allowShutdown: parts.opsConfig.allowShutdown,
      logs: ops.logs,
      configs: ops.configs,
      replicas: () => ops.replicas(),
      hubId: () => engine.instanceId,
      shutdown: parts.shutdown,
    }),
    moduleRouter,
    ...parts.statusPage.routers({
      registry,
      engine,
      scheduler,
      checks: checkSourceOf(checks.catalog),
      insights: parts.insights,
      silences: parts.silences,
      ownership: parts.configFiles.ownership,
      notify: parts.notifyHooks,
    }),
  ];
}
