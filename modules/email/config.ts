import { z } from 'zod';
import { envList, envString, storableText, type Enablement } from '../../src/module-api.js';

// One address, as mail servers take it: no spaces, no angle brackets, a dot in the domain.
const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/** Addresses trimmed and lower-cased, without duplicates and without what is not an address (a Slack channel). */
export function normaliseAddresses(values: readonly string[]): string[] {
  const addresses: string[] = [];
  for (const value of values) {
    const address = value.trim().toLowerCase();
    if (ADDRESS.test(address) && !addresses.includes(address)) addresses.push(address);
  }
  return addresses;
}

/** `smtp://` (STARTTLS when the server offers it) or `smtps://` (TLS from the start), with a host. */
function smtpUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'expected smtp://user:password@host:port or smtps://…';
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return 'expected an smtp:// or smtps:// URL';
  if (url.hostname === '') return 'the URL names no host';
  return null;
}

export const emailConfigSchema = z
  .object({
    SMTP_URL: envString()
      .superRefine((value, ctx) => {
        const problem = value === undefined ? null : smtpUrlProblem(value);
        // The message never repeats the value: it carries the password.
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta({
        secret: true,
        description:
          '*URL.* The mail server, `smtp://user:password@host:port` (STARTTLS when the server offers it) or `smtps://…` (TLS from the start). User and password are URL-encoded. Secret: it carries the password.',
      }),
    EMAIL_FROM: envString()
      .refine((value) => value === undefined || ADDRESS.test(value), { message: 'expected one mail address' })
      .meta({ description: 'The sender of every mail (`alvares@example.com`).' }),
    EMAIL_TO: envList()
      .refine((values) => values.every((value) => ADDRESS.test(value)), {
        message: 'expected mail addresses separated by commas',
      })
      .meta({
        default: '(empty: only stored routes send mail)',
        description:
          'Addresses the default routing mails errors, alerts (with their escalation and recovery) and the weekly summary to; not every deployment. Stored routes name their own addresses.',
      }),
  })
  .superRefine((env, ctx) => {
    if (env.SMTP_URL && !env.EMAIL_FROM)
      ctx.addIssue({ code: 'custom', path: ['EMAIL_FROM'], message: 'required with SMTP_URL' });
  })
  .transform((env) => ({
    smtpUrl: env.SMTP_URL,
    from: env.EMAIL_FROM,
    to: normaliseAddresses(env.EMAIL_TO),
  }));

export type EmailConfig = z.output<typeof emailConfigSchema>;

export function emailEnablement(config: EmailConfig): Enablement {
  if (config.smtpUrl && config.from) return { enabled: true };
  return { enabled: false, reason: 'SMTP_URL is not set' };
}

/** The URL, and its password as written and decoded: any of them may turn up in an error. */
export function emailSecrets(config: EmailConfig): Array<string | undefined> {
  if (!config.smtpUrl) return [];
  let password = '';
  try {
    password = new URL(config.smtpUrl).password;
  } catch {
    // A URL that does not parse is refused by the schema; nothing more to hide.
  }
  return [config.smtpUrl, password || undefined, password ? decodeURIComponent(password) : undefined];
}

/**
 * One stored mail target's settings (`PUT /api/v1/notify/targets/:name` with provider `email`): its own server,
 * sender and default addresses, in SMTP_URL's, EMAIL_FROM's and EMAIL_TO's meaning.
 */
export const emailTargetSettings = z.object({
  smtpUrl: storableText()
    .max(2000)
    .superRefine((value, ctx) => {
      const problem = smtpUrlProblem(value);
      // The message never repeats the value: it carries the password.
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({
      secret: true,
      description: "The target's own mail server, `smtp://user:password@host:port`; never shown.",
    }),
  from: storableText()
    .max(300)
    .refine((value) => ADDRESS.test(value), { message: 'expected one mail address' }),
  to: z
    .array(
      storableText()
        .max(300)
        .refine((value) => ADDRESS.test(value), { message: 'expected a mail address' }),
    )
    .max(100)
    .optional(),
});

/** A stored mail target's config. */
export function emailTargetConfig(settings: z.output<typeof emailTargetSettings>): EmailConfig {
  return { smtpUrl: settings.smtpUrl, from: settings.from, to: normaliseAddresses(settings.to ?? []) };
}
