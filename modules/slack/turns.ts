import { randomUUID } from 'node:crypto';
import { digestCapacity, replyCapacity } from './digest.js';
import type { Batch, ItemKind, QueueItem, QueuedRow } from './queue-items.js';
import { QueueStore } from './queue-store.js';
import type { Db, Queryable } from '../../src/module-api.js';

export type Turn =
  | { kind: 'done' }
  | { kind: 'wait'; ms: number; why: string }
  | { kind: 'post'; batch: Batch }
  /** The item is in a claim whose post may or may not have reached Slack: look before posting again. */
  | { kind: 'unknown'; batch: Batch };

export interface PaceSettings {
  /** One post per channel per interval after the burst; 0: no pacing. */
  intervalMs: number;
  burst: number;
  /** More roots than this waiting for a channel are posted as one digest. */
  digestAfter: number;
}

/** A claim older than this belongs to a poster that died or hung: another may look for its post and take over. */
export const CLAIM_LEASE_MS = 30_000;
/** An item claimed by someone else's post that is still running: look again shortly. */
const CLAIMED_RECHECK_MS = 500;
/** Another delivery holds the channel's lock for a moment: come back rather than hold a worker waiting. */
const BUSY_RECHECK_MS = 250;
/** Candidates read for one digest; what fits Slack's limits is claimed, the rest waits for the next turn. */
const DIGEST_CANDIDATES = 400;

/**
 * Each channel's turns, in PostgreSQL so every replica keeps to one limit: a token bucket per channel (Slack's
 * burst, then one post per interval) and the queue of what waits for the channel. Whoever gets a turn posts
 * what waits: its own item alone, or, when more than a few roots wait, all of them as one digest. Claims,
 * releases and records take the channel's pace row lock; queueing does not (a posted row stays, marked done,
 * so a late insert of the same item is a no-op).
 */
export class ChannelTurns {
  private readonly queue: QueueStore;

  constructor(
    private readonly db: Db,
    private readonly settings: PaceSettings,
  ) {
    this.queue = new QueueStore(db);
  }

  /** Queues the item (once) and, if the channel may post now, claims what to post. */
  async take(item: QueueItem, attempt: number): Promise<Turn> {
    if (this.settings.intervalMs <= 0) {
      // Without pacing there are no turns to wait for, so nothing ever waits to be digested: a first try queues
      // its item already claimed, in one statement, and takes no channel lock (under load, every post of a
      // channel queued on that lock). A retry finds its row and goes the whole way below.
      const claimed = await this.queue.claimAlone(item, attempt);
      if (claimed) return { kind: 'post', batch: claimed };
    }
    // In line first, outside the channel's lock, so a flood's items are all there for the next digest. A
    // posted item keeps its row (done_at), so this cannot queue it again.
    await this.db.query(
      `insert into slack_queue (channel, item_key, kind, event_id, delivery_id, thread_ts, message, line, application)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (channel, item_key) do nothing`,
      [
        item.channel,
        item.key,
        item.kind,
        item.eventId,
        item.deliveryId,
        item.threadTs,
        JSON.stringify(item.message),
        item.line,
        item.application,
      ],
    );
    return this.db.transaction(async (client) => {
      // A flood wakes many deliveries of one channel at once; queueing them on the lock would hold every
      // worker, and the quiet channels' deliveries would wait for a free one. Busy: come back shortly.
      const pace = await this.lockChannel(client, item.channel, { skipLocked: true });
      const own = (
        await client.query<ClaimRow>(
          `select done_at is not null as done, batch_id, batch_kind, claimed_by, claimed_attempt,
                extract(epoch from clock_timestamp() - claimed_at) * 1000 as claim_age_ms
         from slack_queue where channel = $1 and item_key = $2`,
          [item.channel, item.key],
        )
      ).rows[0];
      if (!own || own.done) return { kind: 'done' };
      if (own.batch_id) {
        const ours = own.claimed_by === item.deliveryId && (own.claimed_attempt ?? 0) < attempt;
        if (ours || Number(own.claim_age_ms) > CLAIM_LEASE_MS) {
          return { kind: 'unknown', batch: await this.batchOf(client, item.channel, own.batch_id, own.batch_kind!) };
        }
        return { kind: 'wait', ms: CLAIMED_RECHECK_MS, why: `being posted to ${item.channel} with others` };
      }
      if (!pace)
        return {
          kind: 'wait',
          ms: BUSY_RECHECK_MS + Math.floor(Math.random() * BUSY_RECHECK_MS),
          why: `${item.channel} is busy`,
        };

      const waitMs = this.takeToken(pace);
      await client.query('update slack_channel_pace set tokens = $2, refilled_at = $3 where channel = $1', [
        item.channel,
        pace.tokens,
        pace.now,
      ]);
      if (waitMs > 0) {
        // Only the first in line needs to be there when the turn comes: it posts everyone waiting. The rest
        // come back a turn later to find themselves posted, and do not crowd the first one's moment.
        const ahead = await client.query<{ n: number }>(
          `select count(*)::int as n from slack_queue where channel = $1 and batch_id is null
             and (queued_at, item_key) < (select queued_at, item_key from slack_queue where channel = $1 and item_key = $2)`,
          [item.channel, item.key],
        );
        const later = ahead.rows[0]!.n > 0 ? Math.max(this.settings.intervalMs, 500) : 0;
        return { kind: 'wait', ms: waitMs + later, why: `${item.channel}'s next turn` };
      }

      const batch = await this.chooseBatch(client, item);
      await client.query(
        `update slack_queue set batch_id = $3, batch_kind = $4, claimed_at = clock_timestamp(), claimed_by = $5, claimed_attempt = $6
         where channel = $1 and item_key = any($2::text[])`,
        [item.channel, batch.items.map((row) => row.key), batch.id, batch.kind, item.deliveryId, attempt],
      );
      return { kind: 'post', batch };
    });
  }

  /** The batch reached Slack as `ts`: every item in it is done (see QueueStore.record). */
  record(batch: Batch, posted: { channelId: string | null; ts: string | null }): Promise<void> {
    return this.queue.record(batch, posted);
  }

  /** Posted items are kept a day, long after any retry of theirs (so none can queue them again); then cleared. */
  prune(): Promise<number> {
    return this.queue.prune();
  }

  /** Slack did not take the batch: its items wait again; a 429 also holds the channel for its Retry-After. */
  async release(batch: Batch, holdMs = 0): Promise<void> {
    await this.db.transaction(async (client) => {
      await this.lockChannel(client, batch.channel);
      await client.query(
        `update slack_queue set batch_id = null, batch_kind = null, claimed_at = null, claimed_by = null, claimed_attempt = null
         where batch_id = $1 and done_at is null`,
        [batch.id],
      );
      if (holdMs > 0) {
        await client.query(
          `update slack_channel_pace set tokens = 0, refilled_at = clock_timestamp() + make_interval(secs => $2),
                  held_until = clock_timestamp() + make_interval(secs => $2) where channel = $1`,
          [batch.channel, holdMs / 1000],
        );
      }
    });
  }

  /** Slack's id of a channel name we have posted to before, if any. */
  async knownChannelId(channel: string): Promise<string | null> {
    const rows = await this.db.query<{ channel_id: string }>(
      `select channel_id from slack_channel_ids where channel = $1
       union all select channel_id from slack_messages where channel = $1 and channel_id is not null limit 1`,
      [channel],
    );
    return rows.rows[0]?.channel_id ?? null;
  }

  private lockChannel(client: Queryable, channel: string): Promise<PaceRow>;
  private lockChannel(client: Queryable, channel: string, options: { skipLocked: true }): Promise<PaceRow | null>;
  private async lockChannel(
    client: Queryable,
    channel: string,
    options: { skipLocked?: boolean } = {},
  ): Promise<PaceRow | null> {
    const select = `select tokens, refilled_at, held_until, clock_timestamp() as now from slack_channel_pace where channel = $1
       for update${options.skipLocked ? ' skip locked' : ''}`;
    const row = (await client.query<PaceRow>(select, [channel])).rows[0];
    if (row) return row;
    // Skipped because someone holds it, or missing. Only a missing one is created: an insert that meets the
    // row waits for whoever holds its lock, which would defeat skip locked (every post of a busy channel
    // queued behind the one posting).
    if (
      options.skipLocked &&
      (await client.query('select 1 from slack_channel_pace where channel = $1', [channel])).rowCount
    )
      return null;
    // A channel's first post: its bucket starts full.
    await client.query(
      'insert into slack_channel_pace (channel, tokens) values ($1, $2) on conflict (channel) do nothing',
      [channel, this.settings.burst],
    );
    return (await client.query<PaceRow>(select, [channel])).rows[0] ?? null;
  }

  /** Refills the bucket up to now and takes a token: 0, or how long until one is there. */
  private takeToken(pace: PaceRow): number {
    const { burst } = this.settings;
    if (this.settings.intervalMs <= 0) return 0;
    // A twentieth slower than the limit: a post that took longer to reach Slack than the next one must not
    // make the two arrive closer together than Slack allows.
    const intervalMs = this.settings.intervalMs * 1.05;
    const now = pace.now.getTime();
    if (pace.held_until && pace.held_until.getTime() > now) {
      pace.now = pace.refilled_at;
      return pace.held_until.getTime() - now;
    }
    const elapsed = Math.max(0, now - pace.refilled_at.getTime());
    pace.tokens = Math.min(burst, pace.tokens + elapsed / intervalMs);
    if (pace.tokens < 1) return Math.ceil((1 - pace.tokens) * intervalMs);
    pace.tokens -= 1;
    return 0;
  }

  /**
   * What this turn posts. A root: every root waiting for the channel as one digest when more than a few wait
   * (oldest first, as many as fit Slack's limits), else itself alone. A reply: likewise, every reply waiting
   * for the same thread as one message when more than a few wait.
   */
  private async chooseBatch(client: Queryable, item: QueueItem): Promise<Batch> {
    const id = randomUUID();
    const isReply = item.kind === 'reply';
    const waiting = (
      await client.query<QueueDbRow>(
        `select ${ROW_COLUMNS} from slack_queue
       where channel = $1 and batch_id is null and ${isReply ? "kind = 'reply' and thread_ts = $2" : "kind <> 'reply' and $2::text is null"}
       order by queued_at, item_key limit $3`,
        [item.channel, isReply ? item.threadTs : null, DIGEST_CANDIDATES],
      )
    ).rows.map(toQueuedRow);
    const own = waiting.find((row) => row.key === item.key)!;
    // A few waiting go one by one, as they would without a flood; more go together.
    if (waiting.length <= this.settings.digestAfter) return { id, channel: item.channel, kind: 'single', items: [own] };
    if (isReply) {
      const count = Math.max(1, replyCapacity(waiting.map((row) => row.line)));
      return {
        id,
        channel: item.channel,
        kind: 'replies',
        items: [own, ...waiting.filter((row) => row !== own)].slice(0, count),
      };
    }
    const count = Math.max(1, digestCapacity(waiting.map((row) => row.line)));
    return { id, channel: item.channel, kind: 'digest', items: waiting.slice(0, count) };
  }

  private async batchOf(client: Queryable, channel: string, batchId: string, kind: string): Promise<Batch> {
    const rows = await client.query<QueueDbRow>(
      `select ${ROW_COLUMNS} from slack_queue where batch_id = $1 and done_at is null order by queued_at, item_key`,
      [batchId],
    );
    return { id: batchId, channel, kind: kind as Batch['kind'], items: rows.rows.map(toQueuedRow) };
  }
}

interface PaceRow {
  tokens: number;
  refilled_at: Date;
  held_until: Date | null;
  now: Date;
}

interface ClaimRow {
  done: boolean;
  batch_id: string | null;
  batch_kind: string | null;
  claimed_by: string | null;
  claimed_attempt: number | null;
  claim_age_ms: string | null;
}

const ROW_COLUMNS = 'channel, item_key, kind, event_id, delivery_id, thread_ts, line, application, queued_at';

interface QueueDbRow {
  channel: string;
  item_key: string;
  kind: ItemKind;
  event_id: string;
  delivery_id: string;
  thread_ts: string | null;
  line: string;
  application: string | null;
  queued_at: Date;
}

function toQueuedRow(row: QueueDbRow): QueuedRow {
  return {
    channel: row.channel,
    key: row.item_key,
    kind: row.kind,
    eventId: row.event_id,
    deliveryId: row.delivery_id,
    threadTs: row.thread_ts,
    line: row.line,
    application: row.application,
    queuedAt: row.queued_at,
  };
}
