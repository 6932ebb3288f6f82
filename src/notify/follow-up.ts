import type { NotifyProvider } from './provider.js';
import type { Sender } from './sender.js';
import type { ThreadStore, PostedRow } from './thread-store.js';
import { DeliveryDeferral } from '../errors.js';
import type { CheckResult, HubEvent } from '../events/types.js';
import type { DeliveryContext } from '../module-system/contract.js';

/** Outcomes are told in threads, by editing the roots, or gathered into a follow-up; else not at all. */
export function tellsOutcomes(capabilities: NotifyProvider['capabilities']): boolean {
  return capabilities.threads || capabilities.edits || capabilities.followUpMs !== undefined;
}

export interface FollowUpDeps {
  provider: NotifyProvider<unknown>;
  store: ThreadStore;
  sender: Sender;
  editRoot: (eventId: string, root: PostedRow) => Promise<void>;
}

/**
 * Outcomes for a provider that cannot reply in a thread. With `edits`, each deployment root gets the status line
 * of every outcome so far (as a threaded provider's root does). Without, outcomes are gathered: each finished
 * check waits `followUpMs` after it arrived; only the newest outcome of the deployment then posts, one follow-up
 * message per address its roots went to, telling every outcome so far. Older ones are in it and post nothing.
 */
export async function followUpOutcome(
  deps: FollowUpDeps,
  event: HubEvent<'check.finished'>,
  delivery: DeliveryContext,
): Promise<CheckResult> {
  const finished = event.payload;
  const { provider, store, sender } = deps;
  const roots = [...(await store.posted(finished.eventId)).values()].filter((row) => row.kind === 'deployment');
  if (roots.length === 0) return { notify: false, summary: 'no deployment message' };
  await store.recordOutcome(finished.eventId, event.id, event.receivedAt, finished);

  if (provider.capabilities.edits) {
    const editable = roots.filter((row) => !row.digest && row.addressId !== null && row.postId !== null);
    for (const root of editable) await deps.editRoot(finished.eventId, root);
    const summary = `updated ${editable.length} message${editable.length === 1 ? '' : 's'}`;
    return { notify: false, summary: `${summary} (no thread: ${provider.words.noThreads})` };
  }

  const due = Date.parse(event.receivedAt) + (provider.capabilities.followUpMs ?? 0);
  if (Date.now() < due) throw new DeliveryDeferral(due - Date.now(), 'more outcomes of the deployment to gather');
  const newest = await store.newestOutcome(finished.eventId);
  if (newest !== null && newest !== event.id) {
    return { notify: false, summary: 'gathered into the follow-up of a later outcome' };
  }
  const outcomes = await store.withRootLock(finished.eventId, '*', (client) =>
    store.outcomes(client, finished.eventId),
  );
  const { render } = provider;
  const application = roots[0]!.application;
  const line = render.digestReplyLine(application, render.statusLine(outcomes));
  return sender.postOnce(
    event,
    'outcome',
    'summary',
    { addresses: roots.map((row) => row.address), dropped: [] },
    { message: render.lineMessage(line), line, application },
    delivery,
  );
}
