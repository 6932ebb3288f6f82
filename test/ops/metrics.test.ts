import { webhookModule } from '../../modules/webhook/index.js';
import { FakeSubscriber } from '../fakes/subscriber.js';
import { aspenDeployment } from '../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../support/hub.js';
import { parsePrometheus, sampleValue, type PromFamily } from '../support/prometheus.js';

const METRICS_TOKEN = 'metrics-token-for-tests';
const APP = 'metrics-secret-app';

/** Every alvares_* family the hub exposes, with its type: a rename or a lost series fails here. */
const FAMILIES: Record<string, string> = {
  alvares_events_accepted_total: 'counter',
  alvares_deliveries_total: 'counter',
  alvares_delivery_duration_seconds: 'histogram',
  alvares_scheduled_runs_total: 'counter',
  alvares_scheduled_run_duration_seconds: 'histogram',
  alvares_http_requests_total: 'counter',
  alvares_http_request_duration_seconds: 'histogram',
  alvares_runs_in_progress: 'gauge',
  alvares_module_enabled: 'gauge',
  alvares_queue_depth: 'gauge',
  alvares_queue_oldest_age_seconds: 'gauge',
  alvares_hub_cpu_usage_ratio: 'gauge',
  alvares_hub_event_loop_lag_seconds: 'gauge',
};
/** Labels allowed on alvares_* series: names of things, bounded sets, and histogram buckets. */
const LABELS = new Set(['type', 'module', 'outcome', 'check', 'kind', 'route', 'method', 'status', 'le']);

describe('GET /metrics', () => {
  let hub: TestHub;
  const receiver = new FakeSubscriber();

  beforeAll(async () => {
    await receiver.start();
    hub = await startTestHub({
      modules: [webhookModule],
      env: { WEBHOOK_URL: receiver.url, WORKER_CONCURRENCY: '1', METRICS_TOKEN },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await receiver.stop();
  });

  async function scrape(): Promise<Map<string, PromFamily>> {
    const res = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await res.text());
  }

  async function put(version: string): Promise<string> {
    const res = await fetch(`${hub.url}/api/v1/deployment`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(aspenDeployment({ applicationName: APP, version })),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { id: string }).id;
  }

  it('answers 401 without the METRICS_TOKEN bearer and with a wrong one', async () => {
    expect((await fetch(`${hub.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${hub.url}/metrics`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('counts events, deliveries with their duration and HTTP requests by route pattern, with names only in labels', async () => {
    const ids = [await put('1.0.0'), await put('1.0.1')];
    await waitForQuiet(hub);
    // A URL with an id and one with a name in it: the labels must carry the route pattern instead.
    expect((await fetch(`${hub.url}/api/v1/events/${ids[0]}`)).status).toBe(200);
    expect((await fetch(`${hub.url}/no-such-page/${APP}`)).status).toBe(404);

    const families = await scrape();
    for (const [name, type] of Object.entries(FAMILIES)) {
      expect({ name, type: families.get(name)?.type }).toEqual({ name, type });
    }
    // Process defaults from prom-client are there too.
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
    expect(families.get('process_resident_memory_bytes')?.samples[0]!.value).toBeGreaterThan(0);

    expect(sampleValue(families, 'alvares_events_accepted_total', { type: 'deployment' })).toBe(2);
    expect(sampleValue(families, 'alvares_deliveries_total', { module: 'webhook', outcome: 'succeeded' })).toBe(2);
    expect(
      sampleValue(families, 'alvares_delivery_duration_seconds_count', { module: 'webhook', outcome: 'succeeded' }),
    ).toBe(2);
    // Buckets reach several minutes: audits are slow.
    expect(
      sampleValue(families, 'alvares_delivery_duration_seconds_bucket', {
        module: 'webhook',
        outcome: 'succeeded',
        le: '600',
      }),
    ).toBe(2);
    expect(
      sampleValue(families, 'alvares_delivery_duration_seconds_bucket', {
        module: 'webhook',
        outcome: 'succeeded',
        le: '+Inf',
      }),
    ).toBe(2);
    expect(
      sampleValue(families, 'alvares_http_requests_total', {
        route: '/api/v1/deployment',
        method: 'PUT',
        status: '200',
      }),
    ).toBe(2);
    expect(
      sampleValue(families, 'alvares_http_requests_total', {
        route: '/api/v1/events/:id',
        method: 'GET',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sampleValue(families, 'alvares_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' }),
    ).toBe(1);
    expect(
      sampleValue(families, 'alvares_http_request_duration_seconds_count', {
        route: '/api/v1/deployment',
        method: 'PUT',
        status: '200',
      }),
    ).toBe(2);
    expect(sampleValue(families, 'alvares_module_enabled', { module: 'webhook' })).toBe(1);
    expect(sampleValue(families, 'alvares_queue_depth', { module: 'webhook' })).toBe(0);
    expect(sampleValue(families, 'alvares_queue_oldest_age_seconds', { module: 'webhook' })).toBe(0);
    expect(sampleValue(families, 'alvares_hub_cpu_usage_ratio')).toBeGreaterThanOrEqual(0);

    // Cardinality: no label holds an application name, a URL, an id or a path with values in it.
    const values: string[] = [];
    for (const family of families.values()) {
      if (!family.name.startsWith('alvares_')) continue;
      for (const sample of family.samples) {
        for (const [label, value] of Object.entries(sample.labels)) {
          expect({ family: family.name, label, allowed: LABELS.has(label) }).toEqual({
            family: family.name,
            label,
            allowed: true,
          });
          values.push(value);
        }
      }
    }
    expect(values.length).toBeGreaterThan(20);
    const wrong = values.filter(
      (value) =>
        value.includes(APP) ||
        /https?:/.test(value) ||
        /[0-9a-f]{8}-[0-9a-f]{4}-/.test(value) ||
        ids.some((id) => value.includes(id)) ||
        value.includes('kth-azure'),
    );
    expect(wrong).toEqual([]);
  });

  it('shows running deliveries and the queue behind them while they run, read at scrape time, and drops them when done', async () => {
    // The hub runs up to four times WORKER_CONCURRENCY (1) deliveries of events it ingested itself: four stall
    // there, the fifth goes to the queue and stalls in its one worker, the sixth waits in the queue.
    receiver.stall(2_000, 5);
    for (let i = 0; i < 6; i += 1) await put(`2.0.${i}`);
    const running = await waitFor(
      async () => {
        const families = await scrape();
        const inProgress = sampleValue(families, 'alvares_runs_in_progress', {
          kind: 'delivery',
          module: 'webhook',
          check: 'webhook',
        });
        return inProgress === 5 && sampleValue(families, 'alvares_queue_depth', { module: 'webhook' }) === 1
          ? families
          : null;
      },
      5_000,
      'five deliveries running and one queued',
    );
    expect(sampleValue(running, 'alvares_queue_oldest_age_seconds', { module: 'webhook' })).toBeGreaterThan(0);

    await waitForQuiet(hub);
    const after = await scrape();
    // Gauges are read at scrape: the finished run is gone, not left at 0 by a stale counter.
    expect(sampleValue(after, 'alvares_runs_in_progress', { kind: 'delivery', module: 'webhook' })).toBeUndefined();
    expect(sampleValue(after, 'alvares_queue_depth', { module: 'webhook' })).toBe(0);
    expect(sampleValue(after, 'alvares_deliveries_total', { module: 'webhook', outcome: 'succeeded' })).toBe(8);
    expect(
      sampleValue(after, 'alvares_delivery_duration_seconds_bucket', {
        module: 'webhook',
        outcome: 'succeeded',
        le: '1',
      }),
    ).toBe(3);
  });
});

describe('GET /metrics for checks', () => {
  it("counts an external check's keys by status and its open runs, read from PostgreSQL at scrape time", async () => {
    const ADMIN_TOKEN = 'metrics-admin-0123456789abcdef';
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const hub = await startTestHub({ modules: [], env: { ADMIN_TOKEN } });
    const send = (method: string, path: string, body: unknown) =>
      fetch(`${hub.url}${path}`, { method, headers: admin, body: JSON.stringify(body) });
    const scrape = async () => parsePrometheus(await (await fetch(`${hub.url}/metrics`)).text());
    try {
      expect((await send('PUT', '/api/v1/checks/nightly-scan', { description: 'scan' })).status).toBe(201);
      for (const status of ['error', 'error'])
        expect((await send('POST', '/api/v1/checks/nightly-scan/results', { status })).status).toBe(201);
      expect((await send('POST', '/api/v1/checks/nightly-scan/runs', { runId: 'open-1' })).status).toBe(201);

      const during = await scrape();
      expect(during.get('alvares_inspection_keys')?.type).toBe('gauge');
      expect(sampleValue(during, 'alvares_inspection_keys', { check: 'nightly-scan', status: 'error' })).toBe(1);
      expect(sampleValue(during, 'alvares_check_runs_open', { check: 'nightly-scan', kind: 'external' })).toBe(1);

      expect((await send('POST', '/api/v1/checks/nightly-scan/runs/open-1/result', { status: 'ok' })).status).toBe(200);
      expect((await send('POST', '/api/v1/checks/nightly-scan/runs/open-1/done', {})).status).toBe(200);
      const after = await scrape();
      expect(
        sampleValue(after, 'alvares_check_runs_open', { check: 'nightly-scan', kind: 'external' }),
      ).toBeUndefined();
      expect(sampleValue(after, 'alvares_inspection_keys', { check: 'nightly-scan', status: 'ok' })).toBe(1);
    } finally {
      await hub.stop();
    }
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  it('is open', async () => {
    const hub = await startTestHub({ modules: [webhookModule] });
    try {
      const res = await fetch(`${hub.url}/metrics`);
      expect(res.status).toBe(200);
      expect(parsePrometheus(await res.text()).get('alvares_events_accepted_total')?.type).toBe('counter');
    } finally {
      await hub.stop();
    }
  });
});
