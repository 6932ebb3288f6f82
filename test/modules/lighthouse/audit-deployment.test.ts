import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import winston from 'winston';
import { DeliveryError } from '../../../src/errors.js';
import type { Deployment } from '../../../src/events/enrich.js';
import { createUrlGuard } from '../../../src/outbound/url-guard.js';
import {
  auditDeployment,
  auditUrls,
  skipReason,
  type AuditDeploymentDeps,
} from '../../../modules/lighthouse/audit-deployment.js';
import { AuditFailure, type AuditReports } from '../../../modules/lighthouse/auditor.js';
import { ReportStore } from '../../../modules/lighthouse/reports.js';
import { extractScores, formatScores, lowestScores } from '../../../modules/lighthouse/scores.js';

function lhr(url: string, scores: Record<string, number | null>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    requestedUrl: url,
    mainDocumentUrl: url,
    finalDisplayedUrl: url,
    lighthouseVersion: '13.5.0',
    runWarnings: [],
    categories: Object.fromEntries(Object.entries(scores).map(([id, score]) => [id, { id, score }])),
    ...extra,
  });
}

const ALL = (a: number, bp: number, seo: number, perf: number) => ({
  accessibility: a / 100,
  'best-practices': bp / 100,
  seo: seo / 100,
  performance: perf / 100,
});

function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    applicationName: 'kth-azure-app',
    cluster: 'active',
    replicas: 2,
    removal: false,
    version: '1',
    rollback: false,
    rolledBackFrom: null,
    deployedBy: null,
    imageName: 'kth-azure-app',
    applicationPath: '/kth-azure-app',
    created: null,
    createdAt: null,
    slackChannels: [],
    team: null,
    publicNameSwedish: null,
    publicNameEnglish: null,
    descriptionSwedish: null,
    descriptionEnglish: null,
    friendlyName: 'kth-azure-app',
    importance: 'low',
    detectifyProfileTokens: [],
    applicationUrl: 'https://app.example.test/kth-azure-app',
    monitorUrl: '',
    aboutUrl: '',
    monitorPattern: '',
    testAccessibility: true,
    accessibilityUrls: [],
    publicUserDocumentationUrl: null,
    privateOperationsDocumentationUrl: null,
    logSearchUrl: null,
    ...overrides,
  };
}

describe('scores', () => {
  it('are Lighthouse category scores as 0-100, a category without a score left out', () => {
    expect(extractScores(JSON.parse(lhr('x', { ...ALL(100, 96, 90, 88), performance: null })))).toEqual({
      accessibility: 100,
      bestPractices: 96,
      seo: 90,
    });
    expect(extractScores({ categories: { accessibility: { score: 0.926 } } })).toEqual({ accessibility: 93 });
    expect(extractScores({})).toEqual({});
  });

  it('read as one line for people', () => {
    expect(formatScores({ accessibility: 100, bestPractices: 96, seo: 90, performance: 88 })).toBe(
      'accessibility 100, best practices 96, SEO 90, performance 88',
    );
    expect(formatScores({ accessibility: 70 })).toBe('accessibility 70, best practices n/a, SEO n/a, performance n/a');
  });

  it('of several pages are headlined by the lowest of each category', () => {
    expect(lowestScores([{ accessibility: 100, seo: 80 }, { accessibility: 60, performance: 90 }, {}])).toEqual({
      accessibility: 60,
      seo: 80,
      performance: 90,
    });
  });
});

describe('which pages a deployment gets audited', () => {
  it('are its accessibilityUrls, else its application URL', () => {
    expect(auditUrls(deployment())).toEqual(['https://app.example.test/kth-azure-app']);
    expect(
      auditUrls(deployment({ accessibilityUrls: ['https://a.test/1', ' https://a.test/1 ', 'https://a.test/2'] })),
    ).toEqual(['https://a.test/1', 'https://a.test/2']);
  });

  it('are none when testAccessibility is off, the application is being removed, or there is no URL', () => {
    expect(skipReason(deployment())).toBeNull();
    expect(skipReason(deployment({ testAccessibility: false }))).toBe('testAccessibility is not set');
    expect(skipReason(deployment({ replicas: 0, removal: true }))).toBe(
      'the application is being removed (0 replicas)',
    );
    expect(skipReason(deployment({ replicas: 'global', removal: false }))).toBeNull();
    expect(skipReason(deployment({ applicationUrl: '' }))).toBe(
      'no URL to audit (no accessibilityUrls and no application URL)',
    );
  });
});

describe('auditing a deployment (with a stand-in for Chromium)', () => {
  let root: string;
  let audited: string[];
  let outcomes: Map<string, AuditReports | Error>;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'lighthouse-audit-'));
    audited = [];
    outcomes = new Map();
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function deps(overrides: Partial<AuditDeploymentDeps> = {}): AuditDeploymentDeps {
    return {
      audit: (url) => {
        audited.push(url);
        const outcome = outcomes.get(url) ?? {
          json: lhr(url, ALL(100, 100, 100, 100)),
          html: '<html></html>',
          durationMs: 7000,
        };
        return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
      },
      store: new ReportStore(root),
      // app.example.test stands for a public host: a resolver answering a public address, as DNS would.
      guard: createUrlGuard({
        allowedHosts: ['app.example.test'],
        setting: 'LIGHTHOUSE_ALLOWED_HOSTS',
        resolve: () => Promise.resolve([{ address: '93.184.216.34', family: 4 }]),
      }),
      keepReports: 5,
      maxUrls: 5,
      publicUrl: 'https://hub.example.test',
      logger: winston.createLogger({ silent: true }),
      now: () => new Date('2026-11-22T08:00:00.000Z'),
      ...overrides,
    };
  }

  const signal = new AbortController().signal;

  it('returns the scores, the lowest as headline, and links to the report of the page that needs most work', async () => {
    const good = 'https://app.example.test/good';
    const bad = 'https://app.example.test/bad';
    outcomes.set(good, { json: lhr(good, ALL(100, 96, 90, 88)), html: '<html>good</html>', durationMs: 7000 });
    outcomes.set(bad, { json: lhr(bad, ALL(40, 100, 70, 95)), html: '<html>bad</html>', durationMs: 8000 });

    const result = await auditDeployment(deployment({ accessibilityUrls: [good, bad] }), signal, deps());

    expect(audited).toEqual([good, bad]);
    expect(result).toMatchObject({
      summary:
        'Lighthouse https://app.example.test/good: accessibility 100, best practices 96, SEO 90, performance 88; ' +
        'Lighthouse https://app.example.test/bad: accessibility 40, best practices 100, SEO 70, performance 95',
      score: 40,
      scores: { accessibility: 40, bestPractices: 96, seo: 70, performance: 88 },
    });
    expect(result.link).toMatch(
      /^https:\/\/hub\.example\.test\/api\/v1\/lighthouse\/reports\/kth-azure-app\/app-example-test-bad-[0-9a-f]{8}\/20261122T080000000Z\.html$/,
    );
    expect(result.notify).toBeUndefined();
    expect(await readdir(path.join(root, 'kth-azure-app'))).toHaveLength(2);
  });

  it('lists refused URLs in the result when other pages were audited', async () => {
    const result = await auditDeployment(
      deployment({ accessibilityUrls: ['http://169.254.169.254/', 'https://app.example.test/'] }),
      signal,
      deps(),
    );
    expect(audited).toEqual(['https://app.example.test/']);
    expect(result.summary).toBe(
      'Lighthouse https://app.example.test/: accessibility 100, best practices 100, SEO 100, performance 100; ' +
        'refused http://169.254.169.254/ (host 169.254.169.254 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS)',
    );
    expect(result.details).toMatchObject({ refused: [{ url: 'http://169.254.169.254/' }] });
  });

  it('fails permanently when every URL is refused', async () => {
    const failure = await auditDeployment(
      deployment({ accessibilityUrls: ['http://10.0.0.1/admin'] }),
      signal,
      deps(),
    ).catch((e) => e);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({
      permanent: true,
      code: 'HUB_ERR_REFUSED',
      reason: 'LIGHTHOUSE_URL_REFUSED',
      message:
        'Lighthouse refused http://10.0.0.1/admin (host 10.0.0.1 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS)',
    });
    expect(audited).toEqual([]);
  });

  it('discards the report of a page that redirected to a host not allowed', async () => {
    const url = 'https://app.example.test/login';
    outcomes.set(url, {
      json: lhr(url, ALL(100, 100, 100, 100), { mainDocumentUrl: 'http://169.254.169.254/latest/meta-data/' }),
      html: '<html>metadata</html>',
      durationMs: 5000,
    });
    const failure = await auditDeployment(deployment({ accessibilityUrls: [url] }), signal, deps()).catch((e) => e);
    expect(failure).toMatchObject({
      permanent: true,
      code: 'HUB_ERR_REFUSED',
      reason: 'LIGHTHOUSE_URL_REFUSED',
      message: expect.stringContaining('redirected to host 169.254.169.254, which is not a cluster host'),
    });
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses a page whose redirect the browser was refused, and keeps a page whose sub-resources were', async () => {
    const login = 'https://app.example.test/login';
    const blocked = [
      { url: 'http://10.0.0.1/secret', reason: 'host 10.0.0.1 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS' },
    ];
    outcomes.set(login, {
      json: lhr(
        login,
        { accessibility: null },
        {
          mainDocumentUrl: 'http://10.0.0.1/secret',
          runtimeError: { code: 'ERRORED_DOCUMENT_REQUEST', message: 'Status code: 403' },
        },
      ),
      html: '',
      durationMs: 2000,
      blocked,
    });
    const home = 'https://app.example.test/';
    const tracker = [
      {
        url: 'https://tracker.example.com/',
        reason: 'host tracker.example.com is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS',
      },
    ];
    outcomes.set(home, {
      json: lhr(home, ALL(100, 100, 100, 100)),
      html: '<html></html>',
      durationMs: 7000,
      blocked: tracker,
    });
    const result = await auditDeployment(deployment({ accessibilityUrls: [login, home] }), signal, deps());
    expect(result.details).toMatchObject({
      refused: [
        {
          url: login,
          reason:
            'redirected to http://10.0.0.1/secret, refused: host 10.0.0.1 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS',
        },
      ],
      pages: [{ url: home, blocked: tracker }],
    });

    const failed = new AuditFailure('Lighthouse failed: net::ERR_TUNNEL_CONNECTION_FAILED', 'LIGHTHOUSE');
    failed.blocked = [
      { url: 'https://10.0.0.1/', reason: 'host 10.0.0.1 is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS' },
    ];
    outcomes.set(login, failed);
    await expect(auditDeployment(deployment({ accessibilityUrls: [login] }), signal, deps())).rejects.toMatchObject({
      permanent: true,
      reason: 'LIGHTHOUSE_URL_REFUSED',
      message: expect.stringContaining('the browser was refused https://10.0.0.1/'),
    });
  });

  it('fails, to be retried, when a page cannot be audited (the application may still be starting)', async () => {
    const url = 'https://app.example.test/';
    outcomes.set(url, {
      json: lhr(
        url,
        { accessibility: null },
        { runtimeError: { code: 'ERRORED_DOCUMENT_REQUEST', message: 'Status code: 503' } },
      ),
      html: '',
      durationMs: 3000,
    });
    const failure = await auditDeployment(deployment({ accessibilityUrls: [url] }), signal, deps()).catch((e) => e);
    expect(failure).toMatchObject({
      permanent: false,
      code: 'HUB_ERR_FAILED',
      reason: 'LIGHTHOUSE_FAILED',
      message: 'Lighthouse could not audit https://app.example.test/ (ERRORED_DOCUMENT_REQUEST: Status code: 503)',
    });
  });

  it('fails, to be retried, on an audit timeout, and stops at once when the delivery is given up', async () => {
    const slow = 'https://app.example.test/slow';
    outcomes.set(slow, new AuditFailure('audit timed out after 60000 ms', 'TIMEOUT'));
    await expect(auditDeployment(deployment({ accessibilityUrls: [slow] }), signal, deps())).rejects.toMatchObject({
      permanent: false,
      code: 'HUB_ERR_TIMEOUT',
      reason: 'LIGHTHOUSE_TIMEOUT',
    });

    audited = [];
    outcomes.set(slow, new AuditFailure('audit given up: the delivery was aborted', 'ABORTED'));
    await expect(
      auditDeployment(deployment({ accessibilityUrls: [slow, 'https://app.example.test/next'] }), signal, deps()),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(audited).toEqual([slow]);
  });

  it('audits at most LIGHTHOUSE_MAX_URLS pages and says how many were left out', async () => {
    const urls = [1, 2, 3, 4].map((n) => `https://app.example.test/${n}`);
    const result = await auditDeployment(deployment({ accessibilityUrls: urls }), signal, deps({ maxUrls: 2 }));
    expect(audited).toEqual(urls.slice(0, 2));
    expect(result.summary).toMatch(/; 2 more URL\(s\) not audited \(LIGHTHOUSE_MAX_URLS=2\)$/);
    expect(result.details).toMatchObject({ notAudited: urls.slice(2) });
  });

  it('skips quietly, without auditing, when the deployment does not ask for it', async () => {
    expect(await auditDeployment(deployment({ testAccessibility: false }), signal, deps())).toEqual({
      notify: false,
      summary: 'skipped: testAccessibility is not set',
    });
    expect(await auditDeployment(deployment({ replicas: 0, removal: true }), signal, deps())).toEqual({
      notify: false,
      summary: 'skipped: the application is being removed (0 replicas)',
    });
    expect(audited).toEqual([]);
  });
});
