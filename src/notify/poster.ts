import type { Batch, QueueItem } from './items.js';
import type { NotifyOutcome } from './hooks.js';
import type { NotifyProvider, Posted } from './provider.js';
import type { AddressTurns } from './turns.js';
import { DeliveryError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { DeliveryContext } from '../module-system/contract.js';

/** What happened to one item: posted now (by this delivery or in someone's digest), or waiting for its turn. */
export type PostOutcome =
  /** `digest`: whether it went out inside a digest; null when someone else posted it and we did not look. */
  { kind: 'posted'; digest: boolean | null } | { kind: 'wait'; ms: number; why: string };

/** The item as this delivery posts it on its own: to `to` (a reply goes to the address's id). */
export interface OwnItem extends QueueItem {
  to: string;
}

/** The service's clock and ours may differ by a little: lookups start this much before the first try. */
const CLOCK_MARGIN_S = 60;
/** Turns taken in one run before giving the worker back: each either posts something or says to wait. */
const MAX_ROUNDS = 4;

/**
 * Posts one item when its address's turn comes, holding no worker while it waits (the caller defers the
 * delivery), and exactly once: every post carries metadata naming its batch, and a claim whose post may have
 * reached the service without our knowing (the hub died, the call timed out) is looked up at the service before
 * anything is posted again. First tries look nothing up.
 */
export class AddressPoster {
  constructor(
    private readonly turns: AddressTurns,
    private readonly provider: NotifyProvider,
    private readonly logger: Logger,
    /** Counts a batch's items by what they are (a root's kind or `reply`) once their post is known or failed. */
    private readonly counted: (kind: string, outcome: NotifyOutcome, count: number) => void = () => {},
  ) {}

  async post(item: OwnItem, delivery: DeliveryContext): Promise<PostOutcome> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      if (delivery.signal.aborted)
        throw new DeliveryError(`gave up waiting for ${item.address}'s turn`, { code: 'HUB_ERR_TIMEOUT' });
      const turn = await this.turns.take(item, delivery.attempt);
      switch (turn.kind) {
        case 'done':
          return { kind: 'posted', digest: null };
        case 'wait':
          return turn;
        case 'unknown':
          await this.resolve(turn.batch, delivery.logger);
          break;
        case 'post':
          await this.send(turn.batch, item, delivery);
          if (turn.batch.items.some((row) => row.key === item.key))
            return { kind: 'posted', digest: turn.batch.kind === 'digest' };
          break;
      }
    }
    return { kind: 'wait', ms: 200, why: `${item.address} is busy` };
  }

  private async send(batch: Batch, own: OwnItem, delivery: DeliveryContext): Promise<void> {
    const message = this.messageFor(batch, own);
    const threadId = batch.kind === 'digest' ? undefined : (own.threadId ?? undefined);
    const to = batch.kind === 'digest' ? batch.address : own.to;
    const metadata = { eventId: own.eventId, deliveryId: own.deliveryId, batchId: batch.id };
    let posted: Posted;
    try {
      posted = await this.provider.post(to, message, {
        ...(threadId ? { threadId } : {}),
        ...(this.provider.capabilities.lookup ? { metadata } : {}),
      });
    } catch (error) {
      const failure =
        error instanceof DeliveryError ? error : new DeliveryError(String((error as Error)?.message ?? error));
      if (this.provider.answered(failure)) {
        // The service answered, so it did not take the post: the items wait again (a 429 holds the address too).
        await this.turns.release(batch, failure.code === 'HUB_ERR_RATE_LIMITED' ? (failure.retryAfterMs ?? 1000) : 0);
      }
      // Otherwise the post may have reached the service: the claim stays, and whoever retries looks for it first.
      this.count(batch, 'failed');
      throw failure;
    }
    await this.turns.record(batch, posted);
    this.count(batch, batch.kind === 'digest' ? 'digested' : 'sent');
    if (batch.kind !== 'single') {
      delivery.logger.info('posted several messages as one', {
        address: batch.address,
        kind: batch.kind,
        items: batch.items.length,
      });
    }
  }

  private count(batch: Batch, outcome: NotifyOutcome): void {
    const byKind = new Map<string, number>();
    for (const row of batch.items) byKind.set(row.kind, (byKind.get(row.kind) ?? 0) + 1);
    for (const [kind, count] of byKind) this.counted(kind, outcome, count);
  }

  private messageFor(batch: Batch, own: OwnItem): unknown {
    if (batch.kind === 'digest') return this.provider.render.digest(batch.items);
    if (batch.kind === 'replies') return this.provider.render.combinedReply(batch.items.map((row) => row.line));
    return own.message;
  }

  /**
   * A claim whose post may or may not have reached the service: look for a post carrying its batch id at the
   * address, from just before its items were first queued. Found: adopt it (the items are done, nothing is
   * posted). Not found: the items wait again and are posted at their next turn.
   */
  private async resolve(batch: Batch, logger: Logger): Promise<void> {
    if (batch.items.length === 0) return;
    if (
      !this.provider.capabilities.lookup ||
      batch.kind === 'replies' ||
      batch.items.every((row) => row.kind === 'reply')
    ) {
      // Replies are not in an address's top-level history, and a provider without lookup cannot read back: post again.
      await this.turns.release(batch);
      return;
    }
    const addressId = await this.addressIdOf(batch.address);
    if (!addressId) {
      logger.warn('cannot look for an earlier post: the address id is unknown', { address: batch.address });
      await this.turns.release(batch);
      return;
    }
    const oldest = Math.min(...batch.items.map((row) => row.queuedAt.getTime())) / 1000 - CLOCK_MARGIN_S;
    let found;
    try {
      found = await this.provider.findPosted(addressId, oldest, (metadata) => metadata.batchId === batch.id);
    } catch (error) {
      if (error instanceof DeliveryError && error.permanent) {
        // A missing permission and the like: exactly-once cannot be checked; say so and post.
        logger.warn('cannot read the address to look for an earlier post', {
          address: batch.address,
          reason: error.reason,
        });
        await this.turns.release(batch);
        return;
      }
      throw error;
    }
    if (found) {
      logger.info('adopted a post found at the service instead of posting again', {
        address: batch.address,
        batchId: batch.id,
        postId: found.postId,
      });
      await this.turns.record(batch, found);
      // The post that was found went out uncounted (its hub stopped before it knew): counted now, once.
      this.count(batch, batch.kind === 'digest' ? 'digested' : 'sent');
    } else {
      await this.turns.release(batch);
    }
  }

  private async addressIdOf(address: string): Promise<string | null> {
    const direct = this.provider.idOf(address);
    if (direct) return direct;
    const known = await this.turns.knownAddressId(address);
    if (known) return known;
    try {
      return await this.provider.lookUpId(address);
    } catch (error) {
      this.logger.warn('looking up the address id failed', {
        address,
        error: error instanceof Error ? error.message : String(error),
      });
      return null;
    }
  }
}
