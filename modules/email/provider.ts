import { EMAIL_RENDER } from './render.js';
import type { EmailMessage } from './html.js';
import { smtpAnswered, type SmtpTransport } from './transport.js';
import type { NotifyProvider } from '../../src/module-api.js';

/**
 * A thread's id as the layer keeps it: the root's Message-ID and its subject, so a reply (an outcome, an
 * escalation, a recovery) carries In-Reply-To and References and "Re: <the root's subject>", which is what
 * mail clients thread by. A Message-ID holds no space, so the first space divides the two.
 */
export function threadIdOf(messageId: string, subject: string): string {
  return `${messageId} ${subject}`;
}

function parseThreadId(threadId: string): { messageId: string; subject: string } {
  const space = threadId.indexOf(' ');
  return space < 0
    ? { messageId: threadId, subject: '' }
    : { messageId: threadId.slice(0, space), subject: threadId.slice(space + 1) };
}

/**
 * Mail as a provider of the notification layer: a root is a mail, a reply is a mail in the root's thread (by
 * headers). Mail cannot be edited or read back, so no status lines and no lookup (at least once after a crash).
 */
export function emailProvider(transport: SmtpTransport): NotifyProvider<EmailMessage> {
  return {
    name: 'email',
    // No per-address pacing: the mail server queues; a flood still goes one mail per item.
    capabilities: {
      threads: true,
      edits: false,
      lookup: false,
      rateLimit: { intervalMs: 0, burst: 1, digestAfter: 50 },
    },
    words: { address: 'address', allowList: 'EMAIL_TO', noThreads: 'mail threads by headers' },
    post: async (address, message, options) => {
      if (!options.threadId) {
        const sent = await transport.send(address, message);
        return { addressId: address, postId: threadIdOf(sent.messageId, message.subject) };
      }
      const root = parseThreadId(options.threadId);
      const subject = /^re:/i.test(root.subject) ? root.subject : `Re: ${root.subject}`;
      const sent = await transport.send(address, { ...message, subject }, root.messageId);
      return { addressId: address, postId: sent.messageId };
    },
    update: () => Promise.resolve(),
    findPosted: () => Promise.resolve(null),
    idOf: (address) => address,
    lookUpId: (address) => Promise.resolve(address),
    answered: smtpAnswered,
    isAuthFailure: (error) => error.reason === 'SMTP_AUTH',
    render: EMAIL_RENDER,
  };
}
