import type { SlackMessage } from './blocks.js';
import { formatCombinedReply, formatDigest } from './digest.js';
import { slackAnswered } from './errors.js';
import type { Batch, QueueItem } from './queue-items.js';
import type { ChannelTurns } from './turns.js';
import { METADATA_EVENT_TYPE, type PostMetadata, type SlackTransport } from './transport.js';
import { DeliveryError, type DeliveryContext, type Logger } from '../../src/module-api.js';

/** What happened to one item: on Slack now (by this delivery or in someone's digest), or waiting for its turn. */
export type PostOutcome =
  /** `digest`: whether it went out inside a digest; null when someone else posted it and we did not look. */
  { kind: 'posted'; digest: boolean | null } | { kind: 'wait'; ms: number; why: string };

/** The item as this delivery posts it on its own: to `target` (a reply goes to the channel's id). */
export interface OwnItem extends QueueItem {
  target: string;
}

/** Slack's clock and ours may differ by a little: the history is read from this much before the first try. */
const CLOCK_MARGIN_S = 60;
/** Turns taken in one run before giving the worker back: each either posts something or says to wait. */
const MAX_ROUNDS = 4;
const CONVERSATION_ID = /^[CGD][A-Z0-9]{8,}$/;

/**
 * Posts one item when its channel's turn comes, holding no worker while it waits (the caller defers the
 * delivery), and exactly once: every post carries metadata naming its batch, and a claim whose post may
 * have reached Slack without our knowing (the hub died, the call timed out) is looked up in the channel's
 * history before anything is posted again. First tries read no history.
 */
export class ChannelPoster {
  constructor(
    private readonly turns: ChannelTurns,
    private readonly transport: SlackTransport,
    private readonly logger: Logger,
  ) {}

  async post(item: OwnItem, delivery: DeliveryContext): Promise<PostOutcome> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      if (delivery.signal.aborted)
        throw new DeliveryError(`gave up waiting for ${item.channel}'s turn`, { code: 'HUB_ERR_TIMEOUT' });
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
    return { kind: 'wait', ms: 200, why: `${item.channel} is busy` };
  }

  private async send(batch: Batch, own: OwnItem, delivery: DeliveryContext): Promise<void> {
    const message = this.messageFor(batch, own);
    const threadTs = batch.kind === 'digest' ? undefined : (own.threadTs ?? undefined);
    const target = batch.kind === 'digest' ? batch.channel : own.target;
    const metadata: PostMetadata = {
      event_type: METADATA_EVENT_TYPE,
      event_payload: { eventId: own.eventId, deliveryId: own.deliveryId, batchId: batch.id },
    };
    let posted;
    try {
      posted = await this.transport.post(target, message, threadTs, this.transport.history ? metadata : undefined);
    } catch (error) {
      const failure =
        error instanceof DeliveryError ? error : new DeliveryError(String((error as Error)?.message ?? error));
      if (slackAnswered(failure)) {
        // Slack answered, so it did not take the post: the items wait again (a 429 holds the channel too).
        await this.turns.release(batch, failure.code === 'HUB_ERR_RATE_LIMITED' ? (failure.retryAfterMs ?? 1000) : 0);
      }
      // Otherwise the post may have reached Slack: the claim stays, and whoever retries looks for it first.
      throw failure;
    }
    await this.turns.record(batch, posted);
    if (batch.kind !== 'single') {
      delivery.logger.info('posted several messages as one', {
        channel: batch.channel,
        kind: batch.kind,
        items: batch.items.length,
      });
    }
  }

  private messageFor(batch: Batch, own: OwnItem): SlackMessage {
    if (batch.kind === 'digest') return formatDigest(batch.items);
    if (batch.kind === 'replies') return formatCombinedReply(batch.items.map((row) => row.line));
    return own.message;
  }

  /**
   * A claim whose post may or may not have reached Slack: look for a message carrying its batch id in the
   * channel, from just before its items were first queued. Found: adopt it (the items are done, nothing is
   * posted). Not found: the items wait again and are posted at their next turn.
   */
  private async resolve(batch: Batch, logger: Logger): Promise<void> {
    if (batch.items.length === 0) return;
    if (!this.transport.history || batch.kind === 'replies' || batch.items.every((row) => row.kind === 'reply')) {
      // Replies are not in conversations.history, and a webhook cannot read back: post again.
      await this.turns.release(batch);
      return;
    }
    const channelId = await this.channelIdOf(batch.channel);
    if (!channelId) {
      logger.warn('cannot look for an earlier post: the channel id is unknown', { channel: batch.channel });
      await this.turns.release(batch);
      return;
    }
    const oldest = Math.min(...batch.items.map((row) => row.queuedAt.getTime())) / 1000 - CLOCK_MARGIN_S;
    let found;
    try {
      found = await this.transport.findPosted(channelId, oldest, (payload) => payload.batchId === batch.id);
    } catch (error) {
      if (error instanceof DeliveryError && error.permanent) {
        // missing_scope (channels:history) and the like: exactly-once cannot be checked; say so and post.
        logger.warn('cannot read the channel to look for an earlier post', {
          channel: batch.channel,
          reason: error.reason,
        });
        await this.turns.release(batch);
        return;
      }
      throw error;
    }
    if (found) {
      logger.info('adopted a post found in the channel instead of posting again', {
        channel: batch.channel,
        batchId: batch.id,
        ts: found.ts,
      });
      await this.turns.record(batch, found);
    } else {
      await this.turns.release(batch);
    }
  }

  private async channelIdOf(channel: string): Promise<string | null> {
    if (CONVERSATION_ID.test(channel)) return channel;
    const known = await this.turns.knownChannelId(channel);
    if (known) return known;
    try {
      return await this.transport.channelIdOf(channel);
    } catch (error) {
      this.logger.warn('conversations.list failed', {
        channel,
        error: error instanceof Error ? error.message : String(error),
      });
      return null;
    }
  }
}
