import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { emailModule } from '../../modules/email/index.js';
import { FakeSmtp } from '../fakes/smtp.js';
import { aspenError, HOSTS_ENV } from '../support/aspen.js';
import { capturedLogger } from '../support/captured-logger.js';
import { startTestHub, waitFor, type TestHub } from '../support/hub.js';
import { finishedDelivery } from '../modules/slack/helpers.js';

const ADMIN = 'notify-targets-email-admin-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };

describe('a stored mail target beside the environment one', () => {
  let smtp: FakeSmtp;
  let other: FakeSmtp;
  let hub: TestHub;
  const log = capturedLogger('debug');

  beforeAll(async () => {
    smtp = await FakeSmtp.start();
    other = await FakeSmtp.start({ user: 'second', password: 'second-smtp-pass-4567' });
    hub = await startTestHub({
      env: {
        ...HOSTS_ENV,
        ADMIN_TOKEN: ADMIN,
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'alvares@example.com',
        EMAIL_TO: 'ops@example.com',
        IDEMPOTENCY_WINDOW_SECONDS: '0',
        ERROR_STORM_WINDOW_SECONDS: '0',
      },
      modules: [databaseModule, emailModule],
      logger: log.logger,
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await other?.close();
    await smtp?.close();
  });

  it('mails what a stored route names through the target’s own server, its password never shown or logged', async () => {
    const bad = await request(hub.url)
      .put('/api/v1/notify/targets/mail-two')
      .set(auth)
      .send({
        provider: 'email',
        settings: { smtpUrl: 'http://second:leaked-pass@127.0.0.1:1', from: 'a@example.com' },
      })
      .expect(400);
    expect(bad.body.error.fields).toEqual([expect.objectContaining({ field: 'settings.smtpUrl' })]);
    expect(JSON.stringify(bad.body)).not.toContain('leaked-pass');

    const stored = await request(hub.url)
      .put('/api/v1/notify/targets/mail-two')
      .set(auth)
      .send({ provider: 'email', settings: { smtpUrl: other.url, from: 'hub@example.org' } })
      .expect(200);
    expect(stored.body.settings).toEqual({ smtpUrl: '(set)', from: 'hub@example.org' });
    await request(hub.url)
      .put('/api/v1/notify/routes')
      .set(auth)
      .send({
        routes: [
          {
            name: 'errors to two',
            match: { kind: ['error'] },
            to: [{ target: 'mail-two', addresses: ['dev@example.org'] }],
          },
        ],
      })
      .expect(200);
    const id = (
      await request(hub.url)
        .put('/api/v1/error')
        .send(aspenError({ message: 'disk full on two' }))
        .expect(200)
    ).body.id as string;
    expect((await finishedDelivery(hub, id, 'email')).status).toBe('succeeded');
    const [mail] = await waitFor(() => (other.to('dev@example.org').length > 0 ? other.to('dev@example.org') : null));
    expect(mail!.from).toContain('hub@example.org');
    expect(smtp.mails).toEqual([]);
    const listed = JSON.stringify((await request(hub.url).get('/api/v1/notify/targets').expect(200)).body);
    expect(listed).not.toContain(other.password);
    expect(log.text()).not.toContain(other.password);
  });
});
