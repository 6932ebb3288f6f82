import request from 'supertest';
import { databaseModule } from '../../modules/database/index.js';
import { discordModule } from '../../modules/discord/index.js';
import { emailModule } from '../../modules/email/index.js';
import { teamsModule } from '../../modules/teams/index.js';
import { FakeDiscord } from '../fakes/discord.js';
import { FakeSmtp } from '../fakes/smtp.js';
import { FakeTeams } from '../fakes/teams.js';
import { aspenError, HOSTS_ENV } from '../support/aspen.js';
import { startTestHub, waitFor, waitForQuiet, type TestHub } from '../support/hub.js';

const ADMIN_TOKEN = 'silences-providers-admin-0123456789';
const TO = 'ops@example.com';

describe('after a window: mail, Teams and Discord tell the same still-failing checks and applications', () => {
  let smtp: FakeSmtp;
  let teams: FakeTeams;
  let discord: FakeDiscord;
  let hub: TestHub;

  beforeAll(async () => {
    [smtp, teams, discord] = await Promise.all([FakeSmtp.start(), FakeTeams.start(), FakeDiscord.start()]);
    hub = await startTestHub({
      env: {
        ...HOSTS_ENV,
        ADMIN_TOKEN,
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'alvares@example.com',
        EMAIL_TO: TO,
        TEAMS_WEBHOOK_URL: teams.webhookUrl,
        TEAMS_PACE_MS: '5',
        DISCORD_WEBHOOK_URL: discord.webhookUrl,
        DISCORD_PACE_MS: '5',
        SCHEDULE_CORE_SILENCE_SUMMARIES: '10s',
        IDEMPOTENCY_WINDOW_SECONDS: '0',
        ERROR_STORM_WINDOW_SECONDS: '0',
      },
      modules: [databaseModule, emailModule, teamsModule, discordModule],
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await Promise.all([smtp?.close(), teams?.close(), discord?.close()]);
  });

  const admin = (method: 'put' | 'post' | 'delete', path: string) =>
    request(hub.url)[method](path).set('authorization', `Bearer ${ADMIN_TOKEN}`);
  const quiet = () => waitForQuiet(hub, { task: 'deliver', timeoutMs: 15_000 });

  async function report(status: string, message: string): Promise<void> {
    await admin('post', '/api/v1/checks/backup-scan/results').send({ status, target: 'nas', message }).expect(201);
    await quiet();
  }

  it('sends one summary each, naming the check still in alert and the application not deployed since', async () => {
    await admin('put', '/api/v1/checks/backup-scan').send({ description: 'backups' }).expect(201);
    const { body } = await admin('post', '/api/v1/silences')
      .send({
        reason: 'storage move',
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        matchers: { kind: ['error', 'inspection'] },
      })
      .expect(201);
    const silenceId = (body as { silence: { id: string } }).silence.id;
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // every replica's copy of the silences
    await report('ok', 'fine');
    await report('error', 'first failure');
    await report('error', 'second failure'); // an alert, held
    await request(hub.url)
      .put('/api/v1/error')
      .send(
        aspenError({ applicationName: 'ledger', cluster: 'active', message: 'Deployment of ledger failed: *boom*' }),
      )
      .expect(200);
    await quiet();
    expect(smtp.mails).toEqual([]);
    expect(teams.cards).toEqual([]);
    expect(discord.messages.size).toBe(0);

    await admin('delete', `/api/v1/silences/${silenceId}`).expect(200);
    const headline = 'Still failing after the maintenance window: 1 check and 1 application';
    const [mail] = await waitFor(() => (smtp.to(TO).length > 0 ? smtp.to(TO) : null), 60_000, 'the summary mail');
    const [card] = await waitFor(
      () => (teams.cardsWith(headline).length > 0 ? teams.cardsWith(headline) : null),
      15_000,
      'the summary card',
    );
    const [embed] = await waitFor(
      () => (discord.with(headline).length > 0 ? discord.with(headline) : null),
      15_000,
      'the summary embed',
    );

    expect(mail!.subject).toBe(headline);
    expect(mail!.text).toContain('backup-scan');
    expect(mail!.text).toContain('ledger on active: 1 error held, latest "Deployment of ledger failed: *boom*" at ');
    expect(mail!.text).toContain('no deployment since');
    const cardText = card!.body.map((block) => (typeof block.text === 'string' ? block.text : '')).join('\n');
    const embedText = embed!.embeds.map((one) => one.description ?? '').join('\n');
    for (const text of [cardText, embedText]) {
      expect(text).toContain('storage move');
      expect(text).toContain('backup-scan');
      // Card Markdown: the application in bold, the payload's own asterisks escaped.
      expect(text).toContain(
        '**ledger** on active: 1 error held, latest "Deployment of ledger failed: \\*boom\\*" at ',
      );
      expect(text).toContain('no deployment since ([latest error](');
    }

    await new Promise((resolve) => setTimeout(resolve, 12_000));
    await quiet();
    expect(smtp.to(TO)).toHaveLength(1);
    expect(teams.cardsWith(headline)).toHaveLength(1);
    expect(discord.with(headline)).toHaveLength(1);
  }, 120_000);
});
