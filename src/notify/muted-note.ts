import { createHash } from 'node:crypto';
import type { NotifyProvider } from './provider.js';
import type { Sender } from './sender.js';
import type { NotifyKind } from './silence.js';
import type { ThreadStore } from './thread-store.js';
import type { HubEvent } from '../events/types.js';
import type { DeliveryContext, MutingSilence } from '../module-system/contract.js';

/** What a silence's `kind` values are called in a note ("alerts"); a value not listed is "notifications". */
const KIND_WORDS: Record<string, string> = {
  inspection: 'alerts',
  alert: 'alerts',
  escalation: 'alerts',
  recovery: 'alerts',
  error: 'errors',
  recommendation: 'recommendations',
  'check.finished': 'check outcomes',
  outcome: 'check outcomes',
  'insights.weekly': 'weekly summaries',
  weekly: 'weekly summaries',
  'silence.ended': 'maintenance summaries',
  maintenance: 'maintenance summaries',
  deployment: 'deployments',
  removal: 'removals',
};

/** "14:00 UTC" today, "8 Dec 14:00 UTC" on another day. */
function utcStamp(iso: string, now: Date): string {
  const date = new Date(iso);
  const clock = `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')} UTC`;
  if (date.toISOString().slice(0, 10) === now.toISOString().slice(0, 10)) return clock;
  const month = date.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
  return `${date.getUTCDate()} ${month} ${clock}`;
}

/**
 * "Alerts for api are muted until 14:00 UTC by ops: database upgrade", one line per silence, every value from a
 * silence or the payload escaped for the provider.
 */
export function mutedLines(
  muting: readonly MutingSilence[],
  application: string,
  escape: (text: string) => string,
  now = new Date(),
): string {
  return muting
    .map((silence) => {
      const words = [...new Set(silence.kinds.map((kind) => KIND_WORDS[kind] ?? 'notifications'))];
      const what = words.length === 0 ? 'alerts' : words.join(' and ');
      const of = silence.checks.length > 0 ? ` of ${silence.checks.join(', ')}` : '';
      const subject = `${what.charAt(0).toUpperCase()}${what.slice(1)}${of}`;
      return escape(
        `${subject} for ${application} are muted until ${utcStamp(silence.until, now)} by ${silence.createdBy}: ${silence.reason}`,
      );
    })
    .join('\n');
}

/** The note's item key: a UUID of the deployment's, the same on every retry and replica (the queue's once-only key). */
function noteKey(eventId: string): string {
  const hex = createHash('sha256').update(`muted-note:${eventId}`).digest('hex');
  const variant = (8 | (parseInt(hex[16]!, 16) & 3)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A deployment posted while silences mute other notifications about its application here (its alerts during a
 * database upgrade): its thread says so, once per deployment and target, through the reply machinery (each
 * address's turn, exactly once across retries and replicas). A provider without threads says nothing.
 */
export async function noteMutedSilences(
  deps: { target: string; provider: NotifyProvider<unknown>; store: ThreadStore; sender: Sender },
  event: HubEvent<'deployment'>,
  kind: NotifyKind,
  delivery: DeliveryContext,
): Promise<void> {
  if (!deps.provider.capabilities.threads || !delivery.silences) return;
  const muting = delivery.silences.mutingOthers({ target: deps.target, kind });
  if (muting.length === 0) return;
  const threads = await deps.store.threads(event.id);
  if (threads.length === 0) return;
  const { render } = deps.provider;
  const line = mutedLines(muting, event.payload.applicationName, (text) => render.escape(text));
  await deps.sender.replyInThreads({ key: noteKey(event.id), kind: null }, threads, event.id, delivery, {
    // A digest's thread is shared: the note says which deployment it is about.
    lineFor: (thread) => (thread.digest ? render.digestReplyLine(thread.application, line) : line),
    editRoot: () => Promise.resolve(),
  });
}
