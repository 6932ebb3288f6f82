import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../logging/logger.js';
import type { ModuleStatus } from '../module-system/registry.js';
import type { Db } from '../store/db.js';
import { deliveryQueueDepth } from '../store/queue-stats.js';
import type { HubStream } from '../stream/hub-stream.js';
import type { Vitals } from './vitals.js';

/** One series of a gauge read at scrape time. Label values must be names (module, check, route), never data. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Work running now, for `alvares_runs_in_progress`: deliveries and scheduled runs here, checks where they land. */
export interface RunsInProgress {
  kind: string;
  module: string;
  check: string;
  count: number;
}

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const HTTP_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The hub's Prometheus metrics, one registry per hub. Counters and histograms are fed from the hub's stream
 * (never from inside the delivery or ingest code); gauges read current state when scraped, so a module or
 * check that no longer exists disappears. Other parts add gauges with `addGauge` and running work with
 * `addRunsInProgress` (the collector registry).
 */
export class HubMetrics {
  readonly registry = new Registry();
  private readonly runSources: Array<() => RunsInProgress[]> = [];
  private readonly deliveriesRunning = new Map<string, string>();
  private readonly runsRunning = new Map<string, string>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly http: { requests: Counter<string>; duration: Histogram<string> };
  private readonly notifications: Counter<string>;

  constructor(
    private readonly deps: {
      stream: HubStream;
      db: () => Db | null;
      modules: () => ModuleStatus[];
      vitals: () => Vitals;
      logger: Logger;
    },
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const events = new Counter({
      name: 'alvares_events_accepted_total',
      help: 'Events stored and fanned out, by event type.',
      labelNames: ['type'],
      registers,
    });
    const deliveries = new Counter({
      name: 'alvares_deliveries_total',
      help: 'Delivery attempts that ended, by module and outcome (succeeded, failed: will retry, dead, skipped, suppressed: a silence held it).',
      labelNames: ['module', 'outcome'],
      registers,
    });
    const suppressed = new Counter({
      name: 'alvares_notifications_suppressed_total',
      help: 'Notifications a silence held, by target and kind (event type): a whole delivery held (ended suppressed) under its module, one target held while the rest was sent under the target.',
      labelNames: ['target', 'kind'],
      registers,
    });
    this.notifications = new Counter({
      name: 'alvares_notifications_total',
      help: 'Items the notification layer handled, by target, kind (what was sent: for posts deployment, error, recommendation, alert, summary or reply; for incident calls their kind) and outcome (sent, digested, failed, suppressed, dropped).',
      labelNames: ['target', 'kind', 'outcome'],
      registers,
    });
    const deliverySeconds = new Histogram({
      name: 'alvares_delivery_duration_seconds',
      help: 'Time one delivery attempt ran, by module and outcome.',
      labelNames: ['module', 'outcome'],
      buckets: SECONDS,
      registers,
    });
    const runs = new Counter({
      name: 'alvares_scheduled_runs_total',
      help: 'Scheduled runs that ended, by module, check (schedule id) and outcome.',
      labelNames: ['module', 'check', 'outcome'],
      registers,
    });
    const runSeconds = new Histogram({
      name: 'alvares_scheduled_run_duration_seconds',
      help: 'Time one scheduled run took, by module and check (schedule id).',
      labelNames: ['module', 'check'],
      buckets: SECONDS,
      registers,
    });
    this.http = {
      requests: new Counter({
        name: 'alvares_http_requests_total',
        help: 'HTTP requests answered, by route pattern, method and status code.',
        labelNames: ['route', 'method', 'status'],
        registers,
      }),
      duration: new Histogram({
        name: 'alvares_http_request_duration_seconds',
        help: 'Time to answer an HTTP request, by route pattern, method and status code.',
        labelNames: ['route', 'method', 'status'],
        buckets: HTTP_SECONDS,
        registers,
      }),
    };

    const { stream } = deps;
    this.unsubscribe.push(
      stream.on('event.accepted', (item) => events.inc({ type: item.type })),
      stream.on('delivery.changed', (item) => {
        if (item.status === 'in_progress') {
          this.deliveriesRunning.set(item.deliveryId, item.module);
          return;
        }
        this.deliveriesRunning.delete(item.deliveryId);
        if (item.status === 'queued') return;
        deliveries.inc({ module: item.module, outcome: item.status });
        if (item.status === 'suppressed') suppressed.inc({ target: item.module, kind: item.eventType });
        for (const target of item.heldTargets ?? []) suppressed.inc({ target, kind: item.eventType });
        if (item.durationMs !== undefined)
          deliverySeconds.observe({ module: item.module, outcome: item.status }, item.durationMs / 1000);
      }),
      stream.on('run.changed', (item) => {
        const key = `${item.schedule}@${item.firedAt}`;
        if (item.status === 'running') {
          this.runsRunning.set(key, item.schedule);
          return;
        }
        this.runsRunning.delete(key);
        const labels = { module: ownerOf(item.schedule), check: item.schedule };
        runs.inc({ ...labels, outcome: item.status });
        if (item.durationMs !== undefined) runSeconds.observe(labels, item.durationMs / 1000);
      }),
    );

    this.addRunsInProgress(() => [
      ...tally(this.deliveriesRunning.values(), (module) => ({ kind: 'delivery', module, check: module })),
      ...tally(this.runsRunning.values(), (schedule) => ({
        kind: 'schedule',
        module: ownerOf(schedule),
        check: schedule,
      })),
    ]);
    this.addGauge({
      name: 'alvares_runs_in_progress',
      help: 'Work running in this hub now: deliveries (check = module) and scheduled runs (check = schedule id).',
      labelNames: ['kind', 'module', 'check'],
      read: () =>
        this.runSources
          .flatMap((source) => source())
          .map((run) => ({ labels: { kind: run.kind, module: run.module, check: run.check }, value: run.count })),
    });
    this.addGauge({
      name: 'alvares_module_enabled',
      help: 'Whether a module is subscribed now (1) or off (0).',
      labelNames: ['module'],
      read: () => deps.modules().map((status) => ({ labels: { module: status.name }, value: status.enabled ? 1 : 0 })),
    });
    this.addQueueGauges();
    const vital = (name: string, help: string, value: (vitals: Vitals) => number) =>
      this.addGauge({ name, help, labelNames: [], read: () => [{ labels: {}, value: value(deps.vitals()) }] });
    vital(
      'alvares_hub_cpu_usage_ratio',
      'CPU used by this hub between its last two heartbeats; 1 = one core.',
      (v) => v.cpuPercent / 100,
    );
    vital(
      'alvares_hub_event_loop_lag_seconds',
      'Mean event-loop delay of this hub between its last two heartbeats.',
      (v) => v.eventLoopLagMs / 1000,
    );
  }

  /** Adds a gauge whose series are read at each scrape; series not returned again are gone. */
  addGauge(definition: {
    name: string;
    help: string;
    labelNames: readonly string[];
    read: () => Sample[] | Promise<Sample[]>;
  }): void {
    const { logger } = this.deps;
    new Gauge({
      name: definition.name,
      help: definition.help,
      labelNames: definition.labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const sample of await definition.read()) this.set(sample.labels, sample.value);
        } catch (error) {
          logger.warn('metric could not be read', { metric: definition.name, error: String(error) });
        }
      },
    });
  }

  /** A source of running work for `alvares_runs_in_progress` (checks and inspections add theirs). */
  addRunsInProgress(source: () => RunsInProgress[]): void {
    this.runSources.push(source);
  }

  /** Called once per answered request by the HTTP layer, with the route's pattern (never the raw URL). */
  observeHttp(route: string, method: string, status: number, seconds: number): void {
    const labels = { route, method, status: String(status) };
    this.http.requests.inc(labels);
    this.http.duration.observe(labels, seconds);
  }

  /**
   * Called by the notification layer where it sends (through the hub's notify hooks): the one counter not fed
   * from the stream, since one delivery posts to many addresses and digests carry other deliveries' items.
   */
  countNotifications(count: { target: string; kind: string; outcome: string; count: number }): void {
    this.notifications.inc({ target: count.target, kind: count.kind, outcome: count.outcome }, count.count);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private addQueueGauges(): void {
    // One query serves both gauges of a scrape: prom-client collects them one after the other.
    let pending: Promise<Awaited<ReturnType<typeof deliveryQueueDepth>>> | null = null;
    const read = () => {
      const db = this.deps.db();
      if (!db) return Promise.resolve([]);
      pending ??= deliveryQueueDepth(db).finally(() => setTimeout(() => (pending = null), 50).unref());
      return pending;
    };
    const perModule = async (value: (row: { depth: number; oldestAgeSeconds: number }) => number) => {
      const rows = new Map((await read()).map((row) => [row.module, row]));
      const names = new Set([...this.deps.modules().map((status) => status.name), ...rows.keys()]);
      return [...names].map((module) => ({
        labels: { module },
        value: value(rows.get(module) ?? { depth: 0, oldestAgeSeconds: 0 }),
      }));
    };
    this.addGauge({
      name: 'alvares_queue_depth',
      help: 'Deliveries due now and not yet started by any hub, by module (shared by all replicas).',
      labelNames: ['module'],
      read: () => perModule((row) => row.depth),
    });
    this.addGauge({
      name: 'alvares_queue_oldest_age_seconds',
      help: 'How long the oldest delivery due and not yet started has waited, by module.',
      labelNames: ['module'],
      read: () => perModule((row) => row.oldestAgeSeconds),
    });
  }
}

/** A schedule id is `<module>.<name>` (`core.prune` for the hub's own). */
function ownerOf(schedule: string): string {
  return schedule.split('.')[0] ?? schedule;
}

function tally(values: Iterable<string>, label: (value: string) => Omit<RunsInProgress, 'count'>): RunsInProgress[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ ...label(value), count }));
}
