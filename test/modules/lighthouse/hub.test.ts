import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { databaseModule } from '../../../modules/database/index.js';
import { lighthouseModule } from '../../../modules/lighthouse/index.js';
import { aspenDeployment } from '../../support/aspen.js';
import { startTestHub, waitFor, type TestHub } from '../../support/hub.js';
import { startPageServer, type PageServer } from './pages.js';

const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
/** A real audit takes about 7-12 s on a 2-core machine; Chromium's first start is slower. */
const AUDIT_TIMEOUT_MS = 120_000;

interface Delivery {
  module: string;
  status: string;
  attempts: number;
  result: {
    summary: string;
    score?: number;
    scores?: Record<string, number>;
    link?: string;
    notify?: boolean;
    details?: {
      pages: Array<{
        url: string;
        scores: Record<string, number>;
        durationMs: number;
        report: { html: string; json: string; latest: string };
      }>;
      refused?: Array<{ url: string; reason: string }>;
    };
  } | null;
  lastError: { message: string; code?: string; permanent?: boolean } | null;
}

let versions = 0;

async function deploy(hub: TestHub, overrides: Record<string, unknown>): Promise<string> {
  versions += 1;
  const answer = await request(hub.url)
    .put('/api/v1/deployment')
    .send(aspenDeployment({ version: `3.0.${versions}`, ...overrides }))
    .expect(200);
  return answer.body.id as string;
}

async function lighthouseDelivery(
  hub: TestHub,
  eventId: string,
  timeoutMs = AUDIT_TIMEOUT_MS - 10_000,
): Promise<Delivery> {
  return waitFor(
    async () => {
      const res = await request(hub.url).get(`/api/v1/events/${eventId}`).expect(200);
      const delivery = (res.body.deliveries as Delivery[]).find((candidate) => candidate.module === 'lighthouse');
      return delivery && ['succeeded', 'dead', 'skipped'].includes(delivery.status) ? delivery : null;
    },
    timeoutMs,
    `the lighthouse delivery of ${eventId}`,
  );
}

/** The path part of a link the hub handed out (it names HUB_PUBLIC_URL; tests talk to the bound address). */
function pathOf(link: string): string {
  return new URL(link).pathname;
}

describe('the lighthouse module, on a real hub auditing local pages in Chromium', () => {
  let pages: PageServer;
  let hub: TestHub;
  let accessibleScore: number;

  beforeAll(async () => {
    pages = await startPageServer();
    hub = await startTestHub({
      modules: [databaseModule, lighthouseModule],
      env: {
        ACTIVE_APP_HOST: pages.url,
        LIGHTHOUSE_ALLOWED_HOSTS: 'docs.example.test,intranet.example.test:8443',
        CHROME_PATH,
        LIGHTHOUSE_TIMEOUT_MS: '90000',
      },
    });
  });

  afterAll(async () => {
    await hub?.stop();
    await pages?.close();
  });

  it(
    'audits an accessible page, records its scores, keeps both reports and serves them',
    async () => {
      const eventId = await deploy(hub, {
        applicationName: 'library-web',
        applicationPath: '/good',
        testAccessibility: true,
        accessibilityUrls: `${pages.url}/good, http://169.254.169.254/latest/meta-data/`,
      });
      const delivery = await lighthouseDelivery(hub, eventId);

      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1 });
      const result = delivery.result!;
      accessibleScore = result.scores!.accessibility!;
      expect(accessibleScore).toBeGreaterThanOrEqual(90);
      expect(result.score).toBe(accessibleScore);
      expect(Object.keys(result.scores!).sort()).toEqual(['accessibility', 'bestPractices', 'performance', 'seo']);
      expect(result.summary).toMatch(
        new RegExp(
          `^Lighthouse ${pages.url}/good: accessibility ${accessibleScore}, best practices \\d+, SEO \\d+, performance \\d+; ` +
            'refused http://169\\.254\\.169\\.254/latest/meta-data/ \\(host 169\\.254\\.169\\.254 is not a cluster host',
        ),
      );
      expect(result.details!.refused).toEqual([
        { url: 'http://169.254.169.254/latest/meta-data/', reason: expect.stringContaining('not a cluster host') },
      ]);
      expect(result.link).toMatch(
        /^http:\/\/localhost:\d+\/api\/v1\/lighthouse\/reports\/library-web\/127-0-0-1-\d+-good-[0-9a-f]{8}\/\d{8}T\d{9}Z\.html$/,
      );
      // The refused address was never browsed; the allowed page was.
      expect(pages.requests.some((req) => req.path === '/good')).toBe(true);

      // Both reports are on disk under the module's data directory...
      const [, application, slug, id] = /^\/api\/v1\/lighthouse\/reports\/([^/]+)\/([^/]+)\/([^/]+)\.html$/.exec(
        pathOf(result.link!),
      )!;
      const dir = path.join(hub.dataDir, 'modules', 'lighthouse', 'reports', application!, slug!);
      expect((await readdir(dir)).sort()).toEqual([`${id}.html`, `${id}.json`]);
      const stored = JSON.parse(await readFile(path.join(dir, `${id}.json`), 'utf8'));
      expect(stored.requestedUrl).toBe(`${pages.url}/good`);

      // ...and served by the hub: the HTML sandboxed, at its own URL and at `latest`.
      const html = await request(hub.url).get(pathOf(result.link!)).expect(200);
      expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(html.headers['content-security-policy']).toMatch(/^sandbox allow-scripts[^;]*; default-src 'none'/);
      expect(html.headers['content-security-policy']).not.toMatch(/allow-same-origin/);
      expect(html.text).toContain('<html');
      expect(html.text.length).toBeGreaterThan(10_000);
      const latest = await request(hub.url).get(`/api/v1/lighthouse/reports/${application}/${slug}/latest`).expect(200);
      expect(latest.text).toBe(html.text);
      expect(latest.headers['cache-control']).toBe('no-cache');
      const json = await request(hub.url)
        .get(`/api/v1/lighthouse/reports/${application}/${slug}/latest.json`)
        .expect(200);
      expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(json.body.categories.accessibility.score).toBe(accessibleScore / 100);

      const listing = await request(hub.url).get(`/api/v1/lighthouse/reports/${application}`).expect(200);
      expect(listing.body).toMatchObject({ application: 'library-web', urls: [{ slug, reports: 1 }] });
      const reports = await request(hub.url).get(`/api/v1/lighthouse/reports/${application}/${slug}`).expect(200);
      expect(reports.body.reports).toEqual([{ id, html: result.link, json: result.link!.replace(/\.html$/, '.json') }]);
    },
    AUDIT_TIMEOUT_MS,
  );

  it(
    'scores an inaccessible page (audited at its application URL) clearly lower',
    async () => {
      const eventId = await deploy(hub, {
        applicationName: 'legacy-web',
        applicationPath: '/bad',
        testAccessibility: 'true',
        accessibilityUrls: null,
      });
      const delivery = await lighthouseDelivery(hub, eventId);

      expect(delivery.status).toBe('succeeded');
      const result = delivery.result!;
      expect(result.details!.pages.map((page) => page.url)).toEqual([`${pages.url}/bad`]);
      expect(result.scores!.accessibility).toBeLessThanOrEqual(70);
      expect(accessibleScore - result.scores!.accessibility!).toBeGreaterThanOrEqual(30);
      expect(result.summary).toMatch(
        new RegExp(`^Lighthouse ${pages.url}/bad: accessibility ${result.scores!.accessibility},`),
      );
      await request(hub.url).get(pathOf(result.link!)).expect(200);
    },
    AUDIT_TIMEOUT_MS,
  );

  it('refuses URLs whose host is not configured, at once and for good, without browsing them', async () => {
    const before = pages.requests.length;
    const eventId = await deploy(hub, {
      applicationName: 'sneaky-web',
      testAccessibility: true,
      accessibilityUrls: [
        'http://169.254.169.254/latest/meta-data/',
        `http://localhost:${pages.port}/good`,
        `http://127.0.0.1:${pages.port + 1}/`,
        'file:///etc/passwd',
        'http://user:secret@docs.example.test/',
      ],
    });
    const delivery = await lighthouseDelivery(hub, eventId, 15_000);

    expect(delivery).toMatchObject({ status: 'dead', attempts: 1 });
    expect(delivery.lastError).toMatchObject({
      code: 'HUB_ERR_REFUSED',
      reason: 'LIGHTHOUSE_URL_REFUSED',
      permanent: true,
    });
    const message = delivery.lastError!.message;
    expect(message).toContain('http://169.254.169.254/latest/meta-data/ (host 169.254.169.254 is not a cluster host');
    expect(message).toContain(`http://localhost:${pages.port}/good (host localhost:${pages.port} is not`);
    expect(message).toContain(`host 127.0.0.1:${pages.port + 1} is not`);
    expect(message).toContain('file:///etc/passwd (scheme file is not http or https)');
    expect(message).toContain('http://docs.example.test/ (URLs with credentials are not fetched)');
    expect(message).not.toContain('secret');
    expect(pages.requests.length).toBe(before);
  });

  it('creates no delivery, and opens no page, for deployments without testAccessibility and removals', async () => {
    const before = pages.requests.length;
    for (const body of [
      { applicationName: 'quiet-web', applicationPath: '/good', testAccessibility: false },
      { applicationName: 'gone-web', applicationPath: '/good', testAccessibility: true, replicas: 0 },
    ]) {
      const answer = await request(hub.url).put('/api/v1/deployment').send(aspenDeployment(body)).expect(200);
      expect(answer.body.deliveries.map((delivery: { module: string }) => delivery.module)).toEqual(['database']);
    }
    expect(pages.requests.length).toBe(before);
  });

  it('serves nothing outside the reports directory', async () => {
    const base = '/api/v1/lighthouse/reports';
    const attempts = [
      `${base}/..%2F..%2F..%2Fetc/passwd/latest`,
      `${base}/library-web/..%2F..%2F..%2F..%2Fetc%2Fpasswd/latest`,
      `${base}/library-web/x/..%2F..%2F..%2Fdatabase.json`,
      `${base}/library-web/x/%2e%2e`,
      `${base}/Library-Web/x/latest`,
      `${base}/library-web/x/20261122T082640123Z.txt`,
      `${base}/library-web/no-such-url/latest`,
      `${base}/.hidden`,
    ];
    for (const url of attempts) {
      const res = await request(hub.url).get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(res.body.error.code).toBe('HUB_ERR_NOT_FOUND');
    }
  });
});
