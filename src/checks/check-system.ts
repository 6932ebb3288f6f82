import type { AxiosInstance } from 'axios';
import type { EventBus } from '../bus/bus.js';
import type { CoreConfig } from '../config/config.js';
import type { Env } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { HttpClientOptions, ScheduledWork } from '../module-system/contract.js';
import type { AnyInspection } from '../module-system/inspection-contract.js';
import { countKeysByStatus, countOpenRuns } from '../store/check-metrics-repo.js';
import type { Db } from '../store/db.js';
import type { HubStream } from '../stream/hub-stream.js';
import { AlertBook } from './alert-book.js';
import { CheckCatalog } from './catalog.js';
import { ExternalChecks } from './external-checks.js';
import { Inspections, type ScheduleInfo } from './inspections.js';
import { deliveriesSelfCheck } from './self-check.js';
import { checkSweepSchedule } from './sweep.js';

/**
 * The check model, composed: the alert book every result goes through, the inspections (modules' and the
 * core's `core.deliveries`), external checks, the catalog the API reads, and the core's `core.checks` sweep.
 */
export class CheckSystem {
  readonly alerts: AlertBook;
  readonly inspections: Inspections;
  readonly external: ExternalChecks;
  readonly catalog: CheckCatalog;

  constructor(
    private readonly deps: {
      db: Db;
      bus: EventBus;
      stream: HubStream;
      logger: Logger;
      redactor: Redactor;
      core: Readonly<CoreConfig>;
      env: Env;
      http: (options: HttpClientOptions, logger: Logger) => AxiosInstance;
      modules: () => Array<{ name: string; description: string }>;
      declared: Array<{ owner: string; inspection: AnyInspection }>;
    },
  ) {
    const { db, stream, core } = deps;
    this.alerts = new AlertBook({ bus: deps.bus, stream, publicUrl: core.publicUrl });
    const own = { owner: 'core', inspection: deliveriesSelfCheck(db, () => deps.modules().map((m) => m.name)) };
    this.inspections = new Inspections([own, ...deps.declared], deps.env, {
      db,
      alerts: this.alerts,
      stream,
      logger: deps.logger,
      redactor: deps.redactor,
      core,
      http: deps.http,
    });
    const reserved = new Set(
      deps
        .modules()
        .map((m) => m.name)
        .concat('core'),
    );
    this.external = new ExternalChecks({
      db,
      alerts: this.alerts,
      stream,
      ...(core.adminToken ? { adminToken: core.adminToken } : {}),
      isReserved: (name) => reserved.has(name),
    });
    this.catalog = new CheckCatalog({ db, alerts: this.alerts, inspections: this.inspections, modules: deps.modules });
  }

  get problems(): string[] {
    return this.inspections.problems;
  }

  /** The core's sweep and every inspection, as scheduled work. */
  schedules(): Array<{ owner: string; work: ScheduledWork }> {
    return [
      { owner: 'core', work: checkSweepSchedule({ db: this.deps.db, alerts: this.alerts }) },
      ...this.inspections.scheduledWork(),
    ];
  }

  /** Gauges read at scrape time from PostgreSQL (every replica's state), so a deleted check disappears. */
  gauges(): Array<{
    name: string;
    help: string;
    labelNames: readonly string[];
    read: () => Promise<Array<{ labels: Record<string, string>; value: number }>>;
  }> {
    const { db } = this.deps;
    return [
      {
        name: 'alvares_inspection_keys',
        help: 'Keys (an inspection or external check with one set of dimensions) by their current status.',
        labelNames: ['check', 'status'],
        read: async () =>
          (await countKeysByStatus(db)).map((row) => ({
            labels: { check: row.check, status: row.status },
            value: row.count,
          })),
      },
      {
        name: 'alvares_check_runs_open',
        help: 'Runs of inspections and external checks queued or in progress, on every replica.',
        labelNames: ['check', 'kind'],
        read: async () =>
          (await countOpenRuns(db)).map((row) => ({ labels: { check: row.check, kind: row.kind }, value: row.count })),
      },
    ];
  }

  useSchedules(schedules: Array<{ id: string } & ScheduleInfo>): void {
    const byId = new Map(schedules.map((s) => [s.id, { cron: s.cron, intervalSeconds: s.intervalSeconds }]));
    this.inspections.useSchedules((id) => byId.get(id));
  }
}
