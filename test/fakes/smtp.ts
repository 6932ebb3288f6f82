import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One mail the fake accepted: the envelope, the headers (lower-case names, unfolded) and the decoded parts. */
export interface ReceivedMail {
  from: string;
  to: string[];
  user: string | null;
  raw: string;
  headers: Map<string, string>;
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  references: string | null;
  text: string;
  html: string;
}

/** A refusal the fake gives instead of taking the next mails' data (451 is "try later", 550 "never"). */
interface Refusal {
  code: number;
  message: string;
  left: number;
}

function unfoldHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split(/\r\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`), as nodemailer writes non-ASCII subjects. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_all, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_all, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** The text/plain and text/html parts of a mail, through nested multiparts. */
function partsOf(headers: Map<string, string>, body: string, found: { text: string; html: string }): void {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const split = chunk.indexOf('\r\n\r\n');
      if (split < 0) continue;
      partsOf(
        unfoldHeaders(chunk.slice(0, split).replace(/^\r\n/, '')),
        chunk.slice(split + 4).replace(/\r\n$/, ''),
        found,
      );
    }
    return;
  }
  if (/^text\/html/i.test(type)) found.html = decodeBody(headers, body);
  else if (/^text\/plain/i.test(type)) found.text = decodeBody(headers, body);
}

export function parseMail(raw: string, envelope: { from: string; to: string[]; user: string | null }): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = unfoldHeaders(raw.slice(0, split));
  const found = { text: '', html: '' };
  partsOf(headers, raw.slice(split + 4), found);
  return {
    ...envelope,
    raw,
    headers,
    subject: decodeWords(headers.get('subject') ?? ''),
    messageId: headers.get('message-id') ?? '',
    inReplyTo: headers.get('in-reply-to') ?? null,
    references: headers.get('references') ?? null,
    text: found.text.trim(),
    html: found.html,
  };
}

/**
 * A real SMTP server on a local port (the `smtp-server` package): AUTH PLAIN and LOGIN with one user, no
 * STARTTLS (the hub would have to trust its certificate), and every accepted mail recorded. `refuseNext` makes
 * it answer the next mails' DATA with a code instead, as a greylisting (451) or refusing (550) server does.
 */
export class FakeSmtp {
  readonly mails: ReceivedMail[] = [];
  /** Every DATA the fake answered, accepted or not: how many tries a mail took. */
  readonly attempts: Array<{ to: string[]; code: number }> = [];
  private refusal: Refusal | null = null;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly user: string,
    readonly password: string,
  ) {}

  static async start(options: { user?: string; password?: string } = {}): Promise<FakeSmtp> {
    const user = options.user ?? 'hub';
    const password = options.password ?? 'smtp-secret-pass-0123';
    let fake: FakeSmtp | null = null;
    const server = new SMTPServer({
      logger: false,
      // A test's hub may still hold a connection when the fake closes: do not wait the default 30 s for it.
      closeTimeout: 100,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, callback) {
        if (auth.username === user && auth.password === password) callback(null, { user });
        else callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => fake!.take(Buffer.concat(chunks).toString('utf8'), session, callback));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeSmtp(server, (server.server.address() as AddressInfo).port, user, password);
    return fake;
  }

  /** `smtp://user:password@127.0.0.1:port`, as SMTP_URL takes it. */
  get url(): string {
    return `smtp://${encodeURIComponent(this.user)}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}`;
  }

  refuseNext(count: number, code: number, message = code >= 500 ? 'Mailbox unavailable' : 'Try again later'): void {
    this.refusal = { code, message, left: count };
  }

  /** Mails to one address, oldest first. */
  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address));
  }

  clear(): void {
    this.mails.length = 0;
    this.attempts.length = 0;
    this.refusal = null;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private take(
    raw: string,
    session: {
      envelope: { mailFrom: false | { address: string }; rcptTo: Array<{ address: string }> };
      user?: unknown;
    },
    callback: (error?: Error | null) => void,
  ): void {
    const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
    if (this.refusal && this.refusal.left > 0) {
      this.refusal.left -= 1;
      this.attempts.push({ to, code: this.refusal.code });
      callback(Object.assign(new Error(this.refusal.message), { responseCode: this.refusal.code }));
      return;
    }
    this.attempts.push({ to, code: 250 });
    const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    this.mails.push(parseMail(raw, { from, to, user: typeof session.user === 'string' ? session.user : null }));
    callback(null);
  }
}
