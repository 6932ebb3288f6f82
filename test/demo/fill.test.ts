import { chromium } from 'playwright-core';
import request from 'supertest';
import { ANY_PORTS, DEMO_ADMIN_TOKEN, DemoFakes, demoHubEnv } from '../../demo/fakes.js';
import { AUDIT_CHECK, fillHour, type FillReport } from '../../demo/fill.js';
import { HubClient } from '../../demo/hub-client.js';
import { APPS, demoHour } from '../../demo/scenario.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';

const admin = { Authorization: `Bearer ${DEMO_ADMIN_TOKEN}` };

interface Transition {
  transition: string;
  status: string;
  dimensions: Record<string, string>;
}
interface LatestDeployment {
  applicationName: string;
  version: string;
  replicas: number;
}
interface Run {
  status: string;
  result: { status: string };
  errors: Array<{ error: string }>;
}
type Measure = 'deploymentFrequency' | 'changeFailureRate' | 'timeToRestore' | 'leadTime';
interface Figure {
  n: number;
  failed: number;
  open: number;
  medianMs: number;
}

describe('the demo, filling a fresh hub with its hour (played fast)', () => {
  let fakes: DemoFakes;
  let hub: TestHub;
  let report: FillReport;
  const said: string[] = [];

  beforeAll(async () => {
    // No Slack rate limit and no pacing here: the hour is played in seconds, and this test is about what the
    // demo fills, not about Slack's pace (the Slack module's own tests hold the fake to Slack's limit).
    fakes = await DemoFakes.start(ANY_PORTS, { slackRateLimit: false });
    hub = await startTestHub({ env: { ...demoHubEnv(fakes.urls), SLACK_PACE_MS: '0' } });
    report = await fillHour({
      hub: new HubClient(hub.url, DEMO_ADMIN_TOKEN),
      fakes,
      msPerMinute: 100,
      say: (line) => said.push(line),
    });
  }, 120_000);

  afterAll(async () => {
    await hub?.stop();
    await fakes?.stop();
  });

  it('deploys a dozen applications on two clusters, with versions moving forward and removals', async () => {
    const clusters: Record<string, LatestDeployment[]> = {};
    for (const cluster of ['stage', 'active']) {
      const latest = await request(hub.url).get(`/api/v1/deployments/latest?cluster=${cluster}`).expect(200);
      clusters[cluster] = (latest.body as { deployments: LatestDeployment[] }).deployments;
    }
    for (const cluster of ['stage', 'active']) {
      expect(clusters[cluster]!.map((d) => d.applicationName).sort()).toEqual(APPS.map((app) => app.name).sort());
    }
    const active = Object.fromEntries(clusters.active!.map((d) => [d.applicationName, d]));
    expect(active['lms-sync-users']).toMatchObject({ version: '3.4.1_e7f3a92', replicas: 1 });
    expect(active['kursinfo-web']).toMatchObject({ version: '5.12.1_8be04d7', replicas: 6 });
    expect(active['lms-export-results']).toMatchObject({ replicas: 0 });
    expect(report.deployments.length).toBe(demoHour().filter((s) => s.kind === 'deploy' && s.replicas !== 0).length);
    expect(report.removals).toHaveLength(2);

    const page = await request(hub.url).get('/deployments').expect(200);
    for (const app of APPS) expect(page.text).toContain(app.name);
    expect(page.text).toContain('3.4.1_e7f3a92');
  });

  it('stores errors with multi-line stack traces, and recommendations', async () => {
    const traces: string[] = [];
    for (const id of report.errors) {
      const event = await request(hub.url).get(`/api/v1/events/${id}`).expect(200);
      const { stackTrace } = (event.body as { payload: { stackTrace: string | null } }).payload;
      if (stackTrace) traces.push(stackTrace);
    }
    expect(report.errors).toHaveLength(7);
    expect(traces.length).toBeGreaterThanOrEqual(5);
    for (const trace of traces) {
      expect(trace).toMatch(/^Traceback \(most recent call last\):\n {2}File "/);
      expect(trace.split('\n').length).toBeGreaterThan(5);
    }
    const errorPage = await request(hub.url).get(`/events/${report.errors[0]}`).expect(200);
    expect(errorPage.text).toContain('Traceback (most recent call last):');
    expect(errorPage.text).toContain('pull access denied');
    const listed = await request(hub.url).get('/events?type=error').expect(200);
    expect(listed.text).toContain('lms-sync-users');
    expect(report.recommendations).toHaveLength(3);
  });

  it('reports runs of an external check, with results, errors and an alert', async () => {
    const answer = await request(hub.url).get(`/api/v1/checks/${AUDIT_CHECK}/runs?limit=200`).expect(200);
    const runs = (answer.body as { runs: Run[] }).runs;
    expect(runs).toHaveLength(4 * 7);
    expect(report.checkRuns).toBe(28);
    expect(new Set(runs.map((run) => run.status))).toEqual(new Set(['completed']));
    expect(runs.map((run) => run.result.status)).toEqual(expect.arrayContaining(['ok', 'info', 'warning', 'error']));
    const withErrors = runs.filter((run) => run.errors.length > 0);
    expect(withErrors).toHaveLength(1);
    expect(withErrors[0]!.errors[0]).toMatchObject({ error: 'npm audit failed for profiles-web' });

    const checks = await request(hub.url).get('/api/v1/checks').expect(200);
    const listed = (checks.body as { checks: Array<{ name: string }> }).checks;
    expect(listed.find((check) => check.name === AUDIT_CHECK)).toMatchObject({
      kind: 'external',
      alert: { state: 'alerting', status: 'warning' },
    });
    const page = await request(hub.url).get(`/checks/${AUDIT_CHECK}`).expect(200);
    expect(page.text).toContain('team-e-larande');
    expect(page.text).toContain('GHSA-jr5f-v2jv-69x6');
  });

  it('lets the webhook go dead while its receiver is down, and deliver again after', async () => {
    const dead = await waitFor(
      async () => {
        const answer = await request(hub.url).get('/api/v1/deliveries?module=webhook&status=dead').set(admin);
        const { deliveries } = answer.body as { deliveries: unknown[] };
        return deliveries.length > 0 ? deliveries : null;
      },
      20_000,
      'dead webhook deliveries',
    );
    expect(dead.length).toBeGreaterThanOrEqual(3);
    expect(fakes.receiver.received.length).toBeGreaterThan(dead.length * 3 - 1);
    const succeeded = await request(hub.url).get('/api/v1/deliveries?module=webhook&status=succeeded').set(admin);
    expect((succeeded.body as { deliveries: unknown[] }).deliveries.length).toBeGreaterThan(20);
    const errors = await request(hub.url).get('/api/v1/errors?check=webhook').set(admin).expect(200);
    expect(JSON.stringify(errors.body)).toContain('500');
  });

  it('makes endpoint health alert and recover on the flapping monitor pages', async () => {
    const answer = await request(hub.url).get('/api/v1/inspections/endpoints.health/transitions?limit=50').expect(200);
    const seen = (answer.body as { transitions: Transition[] }).transitions.map(
      (t) => `${t.dimensions.application}/${t.dimensions.cluster} ${t.transition} ${t.status}`,
    );
    expect(seen).toEqual(
      expect.arrayContaining([
        'exam-registration-web/active alert error',
        'exam-registration-web/active recovered ok',
        'kopps-public/stage alert error',
        'kopps-public/stage recovered ok',
        'profiles-web/stage alert warning',
        'profiles-web/stage recovered ok',
      ]),
    );
    expect(fakes.pages.active.hits).toContain('/tentamen/_monitor');
  });

  it('posts to the fake Slack: deployment threads, replies in them, and alerts', async () => {
    await waitFor(
      () =>
        Promise.resolve(
          fakes.slack.messages.some((m) => m.threadTs !== null && /webhook/i.test(JSON.stringify(m.blocks))),
        ),
      20_000,
      'a reply about the webhook in a deployment thread',
    );
    expect(fakes.slack.roots('#deployments').length).toBeGreaterThan(10);
    expect(fakes.slack.roots('#team-e-larande').length).toBeGreaterThan(0);
    const alert = fakes.slack.roots('#team-digitalexam').find((m) => /keyword missing/.test(m.text));
    expect(alert).toBeDefined();
    expect(fakes.slack.replies(alert!).map((m) => m.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Recovered/)]),
    );
  });

  it('gives insights all four measures for active', async () => {
    const answer = await request(hub.url).get('/api/v1/insights?cluster=active&interval=day').expect(200);
    const activeDeployments = demoHour().filter(
      (s) => s.kind === 'deploy' && s.cluster === 'active' && s.replicas === undefined,
    ).length;
    const { total } = answer.body as { total: Record<Measure, Figure> };
    const { deploymentFrequency, changeFailureRate, timeToRestore, leadTime } = total;
    expect(deploymentFrequency.n).toBe(activeDeployments);
    // exam-registration-web (endpoint alert), lms-sync-users (its pods), ug-rest-api (the registry storm),
    // kursinfo-admin-web (a bad stack file, still open at the end of the hour).
    expect(changeFailureRate.failed).toBe(4);
    expect(timeToRestore.n).toBe(3);
    expect(timeToRestore.open).toBe(1);
    expect(leadTime.n).toBe(activeDeployments);
    expect(leadTime.medianMs).toBeGreaterThan(10 * 60_000);
    const page = await request(hub.url).get('/insights').expect(200);
    expect(page.text).toContain('team-e-larande');
  });

  it('fills every view of the status page', async () => {
    const overview = await request(hub.url).get('/').expect(200);
    for (const text of ['webhook', 'slack', AUDIT_CHECK, 'endpoints.health']) expect(overview.text).toContain(text);
    const schedules = await request(hub.url).get('/schedules').expect(200);
    expect(schedules.text).toContain('core.deliveries');
    // The demo runs endpoint health every 30 s: an interval, shown as one rather than as "off".
    expect(schedules.text).toMatch(/endpoints\.health[\s\S]*?<code>every 30 s<\/code>/);
    const events = await request(hub.url).get('/events').expect(200);
    expect(events.text).toContain('recommendation');
    expect(said.join('\n')).toContain('the webhook receiver goes down');
  });

  it('shows a stack trace in Chromium line by line, as Aspen sent it', async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${hub.url}/events/${report.errors[1]}`);
      const shown = await page.locator('pre.trace', { hasText: 'Traceback' }).innerText();
      expect(shown.split('\n').slice(0, 3)).toEqual([
        'Traceback (most recent call last):',
        '  File "/repo/modules/steps/base_pipeline_step.py", line 89, in run_pipeline_step',
        '    pipeline_data = self.run_step(pipeline_data)',
      ]);
    } finally {
      await browser.close();
    }
  });
});
