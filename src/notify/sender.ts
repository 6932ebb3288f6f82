import { deferWaiting, throwFailures } from './outcomes.js';
import type { AddressPoster, PostOutcome } from './poster.js';
import type { NotifyProvider, Rendered, RootKind } from './provider.js';
import type { ChosenRoute } from './choose.js';
import type { NotifyHooks, NotifyOutcome } from './hooks.js';
import type { NotifyKind } from './silence.js';
import type { PostedRow, ThreadStore } from './thread-store.js';
import type { CheckResult, EventType } from '../events/types.js';
import type { DeliveryContext } from '../module-system/contract.js';
import type { OwnDelivery } from '../store/delivery-views.js';
import { DeliveryDeferral } from '../errors.js';

/** A root as posted alone, its line in a digest, and the application it is about. */
export type Root = Rendered<unknown> & {
  application: string | null;
  /** A stored template failed at send time: the provider's own words went out instead. */
  degraded?: { template: string; error: string };
};
/** The event a send is for, as silences and metadata see it. */
export type Sendable = { id: string; type: EventType; payload: unknown };

export interface SenderDeps {
  target: string;
  provider: NotifyProvider<unknown>;
  store: ThreadStore;
  poster: AddressPoster;
  hooks: NotifyHooks;
}

/**
 * Sends to several addresses side by side, each once: roots (skipping addresses already done, naming digests)
 * and replies in threads (skipping threads already replied to). Asks the silences first, per address.
 */
export class Sender {
  constructor(private readonly deps: SenderDeps) {}

  /**
   * Replies in each thread not yet replied to with `reply.key` (a UUID: the event told, or a note's own), each in
   * its address's turn, then edits the thread's root (a digest is everyone's root: its text stays as posted).
   * `reply.kind` is what silences are asked about (null: a note that is not held, asking none). Failures and
   * waits as for roots.
   */
  async replyInThreads(
    reply: { key: string; kind: NotifyKind | null },
    threads: PostedRow[],
    rootEventId: string,
    delivery: DeliveryContext,
    how: { lineFor: (thread: PostedRow) => string; editRoot: (thread: PostedRow) => Promise<void> },
  ): Promise<void> {
    const replied = await this.deps.store.repliedAddresses(reply.key);
    // Asked only when something is left to say, so a later run of a delivery that said it all records no hold.
    const pending = threads.some((thread) => !replied.has(thread.address));
    const held = reply.kind && pending ? this.heldBy(reply.kind, delivery) : null;
    let suppressed = 0;
    const results = await Promise.allSettled(
      threads.map(async (thread): Promise<PostOutcome> => {
        if (!replied.has(thread.address)) {
          if (held) {
            suppressed += 1;
            return { kind: 'posted', digest: false };
          }
          const line = how.lineFor(thread);
          const posted = await this.deps.poster.post(
            {
              address: thread.address,
              to: thread.addressId!,
              key: reply.key,
              kind: 'reply',
              eventId: rootEventId,
              deliveryId: delivery.deliveryId,
              threadId: thread.postId,
              message: this.deps.provider.render.lineMessage(line),
              line,
              application: thread.application,
            },
            delivery,
          );
          if (posted.kind === 'wait') return posted;
        }
        if (!thread.digest && this.deps.provider.capabilities.edits) await how.editRoot(thread);
        return { kind: 'posted', digest: false };
      }),
    );
    throwFailures(
      results,
      threads.map((thread) => thread.address),
      delivery.logger,
      this.failureWords(),
    );
    deferWaiting(results);
    // Counted only by the run that ends the delivery, so a retry or a deferred run does not count them twice.
    this.counted('reply', 'suppressed', suppressed);
  }

  /**
   * Posts the root to each address not yet done for this event, side by side, each in its address's turn. An
   * address whose turn has not come makes the delivery wait (deferred: no worker held, no attempt used); a retry
   * or a later run skips the addresses that have the message, alone or in a digest. `root` may differ per
   * address (the weekly summary: a team's address gets the team's figures). Addresses a silence covers are left
   * out and named in the result with the silence.
   */
  async postOnce(
    event: Sendable,
    kind: NotifyKind,
    rootKind: RootKind,
    route: ChosenRoute,
    root: Root | ((address: string) => Root),
    delivery: DeliveryContext,
  ): Promise<CheckResult> {
    const { dropped } = route;
    const { words } = this.deps.provider;
    if (dropped.length > 0) delivery.logger.warn(`addresses not in ${words.allowList} dropped`, { dropped });
    const droppedNote = dropped.length > 0 ? `; dropped ${dropped.join(', ')} (not in ${words.allowList})` : '';
    // Silences match the target, not the address: one question for all of them.
    const silenceId = route.addresses.length > 0 ? this.heldBy(kind, delivery) : null;
    const suppressed = silenceId ? route.addresses.map((address) => ({ address, silenceId })) : [];
    const channels = silenceId ? [] : route.addresses;
    const suppressedNote =
      suppressed.length > 0
        ? `; suppressed ${suppressed.map((entry) => `${entry.address} (silence ${entry.silenceId})`).join(', ')}`
        : '';
    // A root per address (the weekly summary) is degraded when any address's is: the same template failed.
    const degraded =
      typeof root === 'function'
        ? channels.map((address) => root(address).degraded).find((found) => found !== undefined)
        : root.degraded;
    // Which route chose each address: only with stored routes, so results under the default routing stay as they were.
    const extra = {
      ...(suppressed.length > 0 ? { suppressed } : {}),
      ...(route.chosenBy ? { routes: route.chosenBy } : {}),
      ...(route.standingIn ? { standingIn: route.standingIn } : {}),
      ...(degraded ? { degraded } : {}),
    };
    // Sends carried for a target that could not deliver them (a route's fallback): said in the summary.
    const insteadNote = route.standingIn ? ` (instead of ${route.standingIn.join(', ')})` : '';
    if (channels.length === 0) {
      this.countHeld(rootKind, suppressed.length, dropped.length);
      return {
        notify: false,
        summary: `no ${words.address} to post to${droppedNote}${suppressedNote}`,
        details: { channels, dropped, ...extra },
      };
    }
    // A first attempt has posted nothing before (a deferred one may have queued its items, which its address's
    // turns find done); later ones skip the addresses that have the message.
    const done = delivery.attempt > 1 ? await this.deps.store.posted(event.id) : new Map<string, PostedRow>();
    const pending = channels.filter((address) => !done.has(address));
    const results = await Promise.allSettled(
      pending.map((address) =>
        this.deps.poster.post(
          {
            address,
            to: address,
            key: event.id,
            kind: rootKind,
            eventId: event.id,
            deliveryId: delivery.deliveryId,
            threadId: null,
            ...(typeof root === 'function' ? root(address) : root),
          },
          delivery,
        ),
      ),
    );
    throwFailures(results, pending, delivery.logger, this.failureWords());
    deferWaiting(results);
    const outcomes = new Map(pending.map((address, index) => [address, results[index]]));
    const digestOf = (address: string) => {
      const outcome = outcomes.get(address);
      return outcome?.status === 'fulfilled' && outcome.value.kind === 'posted'
        ? outcome.value.digest
        : (done.get(address)?.digest ?? null);
    };
    // Read again only when another delivery posted one of ours and we do not know how.
    const unknown = channels.some((address) => digestOf(address) === null);
    const posted = unknown ? await this.deps.store.posted(event.id) : null;
    const digested = channels.filter((address) => (posted ? posted.get(address)?.digest : digestOf(address)));
    this.countHeld(rootKind, suppressed.length, dropped.length);
    const digestNote = digested.length > 0 ? ` (in a digest in ${digested.join(', ')})` : '';
    return {
      notify: false,
      summary: `posted to ${channels.join(', ')}${insteadNote}${digestNote}${droppedNote}${suppressedNote}`,
      details: {
        channels,
        alreadyPosted: channels.filter((address) => done.has(address)),
        digested,
        dropped,
        ...extra,
      },
    };
  }

  /** Addresses held back: counted by the run that ends the delivery only (a retried run would count again). */
  private countHeld(kind: string, suppressed: number, dropped: number): void {
    this.counted(kind, 'suppressed', suppressed);
    this.counted(kind, 'dropped', dropped);
  }

  private counted(kind: string, outcome: NotifyOutcome, count: number): void {
    this.deps.hooks.count({ target: this.deps.target, kind, outcome, count });
  }

  /** The silence holding this target's send of the delivery's event said as `kind` (the delivery records it). */
  heldBy(kind: NotifyKind, delivery: DeliveryContext): string | null {
    return delivery.silences?.heldBy({ target: this.deps.target, kind }) ?? null;
  }

  private failureWords(): { provider: string; addresses: string } {
    return { provider: this.deps.provider.name, addresses: `${this.deps.provider.words.address}s` };
  }
}

/** Our deliveries that may still post a root: until they end, a finished check waits for its thread. */
const UNFINISHED = new Set(['queued', 'in_progress', 'failed']);
const ROOT_RECHECK_MS = 300;
const ROOT_RETRY_MARGIN_MS = 500;

/**
 * A check can finish before our own delivery of the deployment has posted its roots: they run side by side,
 * and ours may be waiting for its address's turn or out a 429. This delivery then waits too, deferred (no
 * worker held, no attempt used): just after the root's next run is due, or shortly while it runs.
 */
export async function waitForRoots(
  ownDelivery: (eventId: string) => Promise<OwnDelivery | null>,
  eventId: string,
): Promise<void> {
  const own = await ownDelivery(eventId);
  if (!own || !UNFINISHED.has(own.status)) return;
  const dueIn =
    own.status !== 'in_progress' && own.nextAttemptAt ? Math.max(0, own.nextAttemptAt.getTime() - Date.now()) : 0;
  throw new DeliveryDeferral(
    dueIn + (dueIn > 0 ? ROOT_RETRY_MARGIN_MS : ROOT_RECHECK_MS),
    'the deployment message this outcome replies to',
  );
}
