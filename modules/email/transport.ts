import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { EmailMessage } from './html.js';
import { DeliveryError } from '../../src/module-api.js';

/** One mail handed to the server: the Message-ID it went out with. */
export interface Sent {
  messageId: string;
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}

/**
 * What the server's answer means. 4xx is "not now" (greylisting, a full queue, 421 closing): retried. 5xx is
 * "never" (no such mailbox, refused sender, 535 bad credentials): permanent. No answer at all (refused
 * connection, timeout) is retried. The reason carries the SMTP code so the event page shows it.
 */
export function smtpError(error: unknown): DeliveryError {
  const failure = (error ?? {}) as SmtpFailure;
  const status = failure.responseCode;
  const said = (failure.response ?? failure.message ?? String(error)).split('\n')[0]!.slice(0, 300);
  if (typeof status === 'number' && status >= 400 && status < 600) {
    const auth = failure.code === 'EAUTH' || status === 535 || status === 530;
    return new DeliveryError(`the mail server answered ${said}`, {
      permanent: status >= 500,
      status,
      code: auth && status >= 500 ? 'HUB_ERR_UPSTREAM_AUTH' : 'HUB_ERR_UPSTREAM',
      reason: auth ? 'SMTP_AUTH' : `SMTP_${status}`,
      cause: error,
    });
  }
  if (failure.code === 'EAUTH')
    return new DeliveryError(`the mail server refused the login: ${said}`, {
      permanent: true,
      code: 'HUB_ERR_UPSTREAM_AUTH',
      reason: 'SMTP_AUTH',
      cause: error,
    });
  return new DeliveryError(`the mail server could not be reached: ${said}`, {
    code: failure.code === 'ETIMEDOUT' ? 'HUB_ERR_TIMEOUT' : 'HUB_ERR_UNREACHABLE',
    reason: failure.code ?? 'SMTP_CONNECTION',
    cause: error,
  });
}

/** The server answered (an SMTP code): it did not take the mail. */
export function smtpAnswered(error: DeliveryError): boolean {
  return error.reason === 'SMTP_AUTH' || (error.reason ?? '').startsWith('SMTP_') || error.reason === 'ECONNECTION';
}

/**
 * SMTP through nodemailer: STARTTLS when the server offers it (`smtp://`), TLS from the start (`smtps://`). One
 * connection per mail: the hub sends a few mails an hour, not a stream.
 */
export class SmtpTransport {
  private readonly transporter;
  private readonly domain: string;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transporter = nodemailer.createTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    this.domain = from.split('@')[1] ?? 'alvares.invalid';
  }

  /** Sends one mail; `replyTo` (a root's Message-ID) makes it a reply mail clients thread under the root. */
  async send(to: string, message: EmailMessage, replyTo?: string): Promise<Sent> {
    const messageId = `<${randomUUID()}@${this.domain}>`;
    try {
      await this.transporter.sendMail({
        from: this.from,
        to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId,
        ...(replyTo ? { inReplyTo: replyTo, references: [replyTo] } : {}),
        // RFC 3834: an automatic mail, so vacation responders do not answer it.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (error) {
      throw smtpError(error);
    }
    return { messageId };
  }

  /** Connects and logs in without sending: a start-up check of the settings. */
  async verify(): Promise<void> {
    try {
      await this.transporter.verify();
    } catch (error) {
      throw smtpError(error);
    }
  }

  close(): void {
    this.transporter.close();
  }
}
