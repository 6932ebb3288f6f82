import request from 'supertest';
import { databaseModule } from '../../../modules/database/index.js';
import { emailModule } from '../../../modules/email/index.js';
import { FakeSmtp, type ReceivedMail } from '../../fakes/smtp.js';
import { HOSTS_ENV, aspenDeployment as deploymentBody, aspenError as errorBody } from '../../support/aspen.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../../support/hub.js';
import { finishedDelivery, monitorModule } from '../slack/helpers.js';

const ADMIN_TOKEN = 'email-admin-token-0123456789';
const TO = 'ops@example.com';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

describe('email through a real SMTP server', () => {
  let smtp: FakeSmtp;
  let hub: TestHub;
  const log = capturedLogger('debug');

  beforeAll(async () => {
    smtp = await FakeSmtp.start();
    hub = await startTestHub({
      env: {
        ...HOSTS_ENV,
        ADMIN_TOKEN,
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'alvares@example.com',
        EMAIL_TO: TO,
        IDEMPOTENCY_WINDOW_SECONDS: '0',
        ERROR_STORM_WINDOW_SECONDS: '0',
      },
      modules: [databaseModule, emailModule, monitorModule],
      logger: log.logger,
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await smtp?.close();
  });
  beforeEach(async () => {
    await waitForQuiet(hub, { task: 'deliver', timeoutMs: 15_000 });
    smtp.clear();
  });

  async function put(type: 'deployment' | 'error', body: Record<string, unknown>): Promise<string> {
    return ((await request(hub.url).put(`/api/v1/${type}`).send(body).expect(200)).body as { id: string }).id;
  }

  async function call(path: string, body: unknown, method = 'POST'): Promise<Response> {
    return fetch(`${hub.url}${path}`, { method, headers: admin, body: JSON.stringify(body) });
  }

  async function report(check: string, status: string, message: string): Promise<void> {
    expect((await call(`/api/v1/checks/${check}/results`, { status, target: 'portal', message })).status).toBe(201);
    await waitForQuiet(hub, { task: 'deliver', timeoutMs: 15_000 });
  }

  const mailsAbout = (address: string, word: string): ReceivedMail[] =>
    smtp.to(address).filter((mail) => mail.subject.includes(word));

  it('mails an error to EMAIL_TO with a subject, an escaped HTML part and a text part, and no deployment', async () => {
    const deploymentId = await put('deployment', deploymentBody({ applicationName: 'quiet-app' }));
    const quiet = await finishedDelivery(hub, deploymentId, 'email');
    expect(quiet.status).toBe('succeeded');
    expect((quiet.result as { summary?: string }).summary).toBe('no address to post to');

    await put(
      'error',
      errorBody({ applicationName: 'kth-azure-app', message: 'Boom <img src=x onerror=alert(1)> & "quotes"' }),
    );
    const [mail] = await waitFor(() => (smtp.mails.length > 0 ? smtp.mails : null), 10_000, 'the error mail');
    expect(smtp.mails).toHaveLength(1);
    expect(mail!.to).toEqual([TO]);
    expect(mail!.from).toBe('alvares@example.com');
    expect(mail!.user).toBe(smtp.user);
    expect(mail!.subject).toBe('Error in kth-azure-app: Boom <img src=x onerror=alert(1)> & "quotes"');
    expect(mail!.messageId).toMatch(/^<[0-9a-f-]{36}@example\.com>$/);
    expect(mail!.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail!.html).toContain('Boom &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(mail!.html).not.toContain('<img');
    expect(mail!.text).toContain('Boom <img src=x onerror=alert(1)> & "quotes"');
    expect(mail!.text).not.toContain('&lt;');
  });

  it('shows its default routing as routes: errors, alerts and the weekly summary to EMAIL_TO, no deployments', async () => {
    const res = await fetch(`${hub.url}/api/v1/notify/routes`, { headers: admin });
    const { routes } = (await res.json()) as { routes: Array<{ name: string; to: Array<{ target: string }> }> };
    const mailed = routes.filter((route) => route.to.some((to) => to.target === 'email')).map((route) => route.name);
    expect(mailed).toEqual(['errors', 'alerts', 'weekly insights']);
  });

  it('words a kind with a stored Liquid template: its first line is the subject, payload text escaped', async () => {
    const template = 'Failure: {{ message }}\n<p>In <b>{{ applicationName }}</b>: {{ message }}</p>';
    expect((await call('/api/v1/notify/templates/email/error', { template }, 'PUT')).status).toBe(200);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      await put('error', errorBody({ applicationName: 'templated-app', message: 'disk <full> & more' }));
      const [mail] = await waitFor(() => (smtp.mails.length > 0 ? smtp.mails : null), 10_000, 'the templated mail');
      expect(mail!.subject).toBe('Failure: disk <full> & more');
      expect(mail!.html).toContain('<p>In <b>templated-app</b>: disk &lt;full&gt; &amp; more</p>');
      expect(mail!.text).toBe('In templated-app: disk <full> & more');
    } finally {
      expect((await call('/api/v1/notify/templates/email/error', {}, 'DELETE')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
    }
  });

  it('threads an alert, its escalation and its recovery by Message-ID, In-Reply-To and References', async () => {
    expect((await call('/api/v1/checks/nightly-scan', { description: 'scan' }, 'PUT')).status).toBe(201);
    await report('nightly-scan', 'ok', 'fine');
    await report('nightly-scan', 'error', 'first failure');
    await report('nightly-scan', 'error', 'second failure');
    const [alert] = await waitFor(
      () => (mailsAbout(TO, 'nightly-scan').length === 1 ? mailsAbout(TO, 'nightly-scan') : null),
      10_000,
      'the alert mail',
    );
    expect(alert!.subject).toBe('ERROR: nightly-scan (portal): error – second failure');
    expect(alert!.inReplyTo).toBeNull();
    expect(alert!.text).toContain('failing since');

    await report('nightly-scan', 'critical', 'all down');
    await report('nightly-scan', 'ok', 'back');
    await report('nightly-scan', 'ok', 'still fine');
    const thread = await waitFor(
      () => (mailsAbout(TO, 'nightly-scan').length === 3 ? mailsAbout(TO, 'nightly-scan') : null),
      10_000,
      'escalation and recovery mails',
    );
    const [, escalation, recovery] = thread;
    for (const reply of [escalation!, recovery!]) {
      expect(reply.subject).toBe(`Re: ${alert!.subject}`);
      expect(reply.inReplyTo).toBe(alert!.messageId);
      expect(reply.references).toBe(alert!.messageId);
      expect(reply.messageId).not.toBe(alert!.messageId);
    }
    expect(escalation!.text).toContain('Escalated to critical (was error)');
    expect(recovery!.text).toMatch(/^Recovered after \d+ s: nightly-scan \(portal\): ok – still fine/);
  });

  it('follows a stored route: a deployment to its address, and outcomes reply in its thread', async () => {
    const routes = {
      routes: [
        {
          name: 'release mail',
          match: { kind: ['deployment', 'error', 'alert', 'escalation', 'recovery'], application: ['mailed-app'] },
          to: [{ target: 'email', addresses: ['Releases@Example.com'] }],
        },
      ],
    };
    expect((await call('/api/v1/notify/routes', routes, 'PUT')).status).toBe(200);
    try {
      // Every replica reads stored routes again within 2 s.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      await put('deployment', deploymentBody({ applicationName: 'mailed-app', version: '2.0.1' }));
      const [root, outcome] = await waitFor(
        () => (smtp.to('releases@example.com').length >= 2 ? smtp.to('releases@example.com') : null),
        10_000,
        'the deployment mail and the outcome reply',
      );
      expect(root!.subject).toMatch(/^Deploying .* 2\.0\.1 in /);
      expect(outcome!.subject).toBe(`Re: ${root!.subject}`);
      expect(outcome!.inReplyTo).toBe(root!.messageId);
      expect(outcome!.text).toContain('test-monitor: Monitoring https://x');
      // The stored route replaced the default one: nothing for EMAIL_TO.
      expect(smtp.to(TO)).toHaveLength(0);

      await put('error', errorBody({ applicationName: 'mailed-app', message: 'routed failure' }));
      await put('error', errorBody({ applicationName: 'other-app', message: 'unrouted failure' }));
      await waitFor(() => mailsAbout('releases@example.com', 'routed failure').length === 1 || null, 10_000, 'error');
      await waitForQuiet(hub, { task: 'deliver', timeoutMs: 15_000 });
      expect(smtp.mails.filter((mail) => mail.subject.includes('unrouted'))).toHaveLength(0);
    } finally {
      expect((await call('/api/v1/notify/routes', {}, 'DELETE')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
    }
  });

  it('retries a mail the server answers 451, and gives up at once on 550', async () => {
    smtp.refuseNext(2, 451);
    const retried = await put('error', errorBody({ applicationName: 'greylisted-app', message: 'later please' }));
    const delivery = await finishedDelivery(hub, retried, 'email', 15_000);
    expect(delivery.status).toBe('succeeded');
    expect(smtp.attempts.map((attempt) => attempt.code)).toEqual([451, 451, 250]);
    expect(mailsAbout(TO, 'later please')).toHaveLength(1);

    smtp.clear();
    smtp.refuseNext(1, 550);
    const refused = await put('error', errorBody({ applicationName: 'refused-app', message: 'never' }));
    const dead = await finishedDelivery(hub, refused, 'email', 15_000);
    expect(dead.status).toBe('dead');
    expect(dead.attempts).toBe(1);
    expect(JSON.stringify(dead)).toContain('550');
    expect(smtp.attempts.map((attempt) => attempt.code)).toEqual([550]);
  });

  it('never shows the SMTP password: not in the configuration read back, nor in the log', async () => {
    const res = await fetch(`${hub.url}/api/v1/admin/modules/email/config`, { headers: admin });
    expect(res.status).toBe(200);
    const shown = await res.text();
    expect((JSON.parse(shown) as { values: Record<string, string> }).values).toEqual({
      SMTP_URL: '***',
      EMAIL_FROM: 'alvares@example.com',
      EMAIL_TO: TO,
    });
    expect(shown).not.toContain(smtp.password);
    expect(log.text()).toContain('"module":"email"');
    expect(log.text()).not.toContain(smtp.password);
  });

  it('refuses bad settings at run time naming the field, and fails for good on a refused login without showing it', async () => {
    const bad = await call(
      '/api/v1/admin/modules/email/config',
      { SMTP_URL: 'https://user:leak-me-9876@mail.example.com' },
      'PUT',
    );
    expect(bad.status).toBe(400);
    const refusal = await bad.text();
    expect(refusal).toContain('SMTP_URL');
    expect(refusal).not.toContain('leak-me-9876');
    const noSender = await call('/api/v1/admin/modules/email/config', { EMAIL_FROM: 'not an address' }, 'PUT');
    expect(noSender.status).toBe(400);
    expect(await noSender.text()).toContain('EMAIL_FROM');

    const wrong = `smtp://${smtp.user}:wrong-pass-5555@127.0.0.1:${smtp.port}`;
    expect((await call('/api/v1/admin/modules/email/config', { SMTP_URL: wrong }, 'PUT')).status).toBe(200);
    try {
      const id = await put('error', errorBody({ applicationName: 'locked-out-app', message: 'cannot log in' }));
      const dead = await finishedDelivery(hub, id, 'email', 15_000);
      expect(dead.status).toBe('dead');
      expect(dead.attempts).toBe(1);
      expect(JSON.stringify(dead)).toContain('535');
      expect(JSON.stringify(dead)).not.toContain('wrong-pass-5555');
      expect(smtp.mails).toHaveLength(0);
      expect(log.text()).not.toContain('wrong-pass-5555');
    } finally {
      expect((await call('/api/v1/admin/modules/email/config', {}, 'DELETE')).status).toBe(200);
    }
  });
});
