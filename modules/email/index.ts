import {
  emailConfigSchema,
  emailEnablement,
  emailSecrets,
  emailTargetConfig,
  emailTargetSettings,
  normaliseAddresses,
  type EmailConfig,
} from './config.js';
import { emailProvider } from './provider.js';
import { SmtpTransport } from './transport.js';
import { createProviderTargets, defineModule } from '../../src/module-api.js';

/**
 * Email: errors, alerts (their escalation and recovery as replies in the alert's thread) and the weekly summary
 * as mails with an HTML and a text part, threaded by Message-ID. The notification layer (src/notify) decides what
 * goes where; this module is how it reaches a mail server.
 */
export const emailModule = defineModule({
  name: 'email',
  description: 'Mail through an SMTP server, one thread per deployment and alert',
  notification: true,
  events: ['deployment', 'error', 'recommendation', 'check.finished', 'inspection', 'insights.weekly', 'silence.ended'],
  configSchema: emailConfigSchema,
  secrets: emailSecrets,
  enablement: emailEnablement,
  delivery: { timeoutMs: 60_000 },
  create(ctx) {
    const { config, logger } = ctx;
    const routingOf = (settings: EmailConfig) => ({
      override: [],
      always: settings.to,
      allowed: [],
      normalise: normaliseAddresses,
      // Not every deployment: mail is for what someone has to read. Stored routes can send any kind.
      kinds: ['error', 'alert', 'escalation', 'recovery', 'weekly', 'maintenance'] as const,
    });
    const transport = new SmtpTransport(config.smtpUrl!, config.from!);
    // The environment's target `email`, and every mail target stored at run time, each with its own server.
    // Their transports connect per mail (nodemailer without a pool), so one left behind by a change holds nothing.
    const notifier = createProviderTargets(ctx, {
      kind: {
        provider: 'email',
        settings: emailTargetSettings,
        envVariable: 'SMTP_URL',
        secretsOf: (settings) => emailSecrets({ smtpUrl: String(settings.smtpUrl), from: undefined, to: [] }),
      },
      env: { provider: emailProvider(transport), routing: routingOf(config) },
      build: (settings) => {
        const own = emailTargetConfig(settings);
        return { provider: emailProvider(new SmtpTransport(own.smtpUrl!, own.from!)), routing: routingOf(own) };
      },
    });
    return {
      handlers: notifier.handlers(),
      schedules: [notifier.pruneSchedule(37, 'sent items')],
      start() {
        // A wrong host or password shows up here first. Not awaited: an unreachable server must not hold up the
        // hub's start (deliveries retry on their own).
        void transport.verify().then(
          () => logger.info('the mail server accepts our login'),
          (error: unknown) =>
            logger.warn('the mail server did not accept the settings', {
              error: error instanceof Error ? error.message : String(error),
            }),
        );
        return Promise.resolve();
      },
      stop() {
        transport.close();
        return Promise.resolve();
      },
    };
  },
});
