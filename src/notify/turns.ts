import { randomUUID } from 'node:crypto';
import { ROW_COLUMNS, toQueuedRow, type Batch, type QueueDbRow, type QueueItem } from './items.js';
import type { Posted, ProviderCapabilities, ProviderRender } from './provider.js';
import { QueueStore } from './queue-store.js';
import type { Db, Queryable } from '../store/db.js';

export type Turn =
  | { kind: 'done' }
  | { kind: 'wait'; ms: number; why: string }
  | { kind: 'post'; batch: Batch }
  /** The item is in a claim whose post may or may not have reached the service: look before posting again. */
  | { kind: 'unknown'; batch: Batch };

/** One post per address per interval after the burst (0: no pacing); more roots than `digestAfter` waiting: a digest. */
export type PaceSettings = ProviderCapabilities['rateLimit'];
/** How many of the waiting items' lines, from the first, fit one digest or one combined reply. */
export type BatchCapacity = Pick<ProviderRender<unknown>, 'digestCapacity' | 'replyCapacity'>;

/** A claim older than this belongs to a poster that died or hung: another may look for its post and take over. */
export const CLAIM_LEASE_MS = 30_000;
/** An item claimed by someone else's post that is still running: look again shortly. */
const CLAIMED_RECHECK_MS = 500;
/** Another delivery holds the address's lock for a moment: come back rather than hold a worker waiting. */
const BUSY_RECHECK_MS = 250;
/** Candidates read for one digest; what fits the provider's limits is claimed, the rest waits for the next turn. */
const DIGEST_CANDIDATES = 400;

/**
 * Each address's turns, in PostgreSQL so every replica keeps to one limit: a token bucket per target and
 * address (the service's burst, then one post per interval) and the queue of what waits for the address.
 * Whoever gets a turn posts what waits: its own item alone, or, when more than a few roots wait, all of them as
 * one digest. Claims, releases and records take the address's pace row lock; queueing does not (a posted row
 * stays, marked done, so a late insert of the same item is a no-op).
 */
export class AddressTurns {
  private readonly queue: QueueStore;

  constructor(
    private readonly db: Db,
    private readonly target: string,
    private readonly settings: PaceSettings,
    private readonly capacity: BatchCapacity,
  ) {
    this.queue = new QueueStore(db, target);
  }

  /** Queues the item (once) and, if the address may post now, claims what to post. */
  async take(item: QueueItem, attempt: number): Promise<Turn> {
    if (this.settings.intervalMs <= 0) {
      // Without pacing there are no turns to wait for, so nothing ever waits to be digested: a first try queues
      // its item already claimed, in one statement, and takes no address lock (under load, every post of an
      // address queued on that lock). A retry finds its row and goes the whole way below.
      const claimed = await this.queue.claimAlone(item, attempt);
      if (claimed) return { kind: 'post', batch: claimed };
    }
    // In line first, outside the address's lock, so a flood's items are all there for the next digest. A
    // posted item keeps its row (done_at), so this cannot queue it again.
    await this.db.query(
      `insert into notify_queue (target, address, item_key, kind, event_id, delivery_id, thread_id, message, line, application)
       values ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (target, address, item_key) do nothing`,
      [
        item.address,
        item.key,
        item.kind,
        item.eventId,
        item.deliveryId,
        item.threadId,
        JSON.stringify(item.message),
        item.line,
        item.application,
        this.target,
      ],
    );
    return this.db.transaction(async (client) => {
      // A flood wakes many deliveries of one address at once; queueing them on the lock would hold every
      // worker, and the quiet addresses' deliveries would wait for a free one. Busy: come back shortly.
      const pace = await this.lockAddress(client, item.address, { skipLocked: true });
      const own = (
        await client.query<ClaimRow>(
          `select done_at is not null as done, batch_id, batch_kind, claimed_by, claimed_attempt,
                extract(epoch from clock_timestamp() - claimed_at) * 1000 as claim_age_ms
         from notify_queue where target = $3 and address = $1 and item_key = $2`,
          [item.address, item.key, this.target],
        )
      ).rows[0];
      if (!own || own.done) return { kind: 'done' };
      if (own.batch_id) {
        const ours = own.claimed_by === item.deliveryId && (own.claimed_attempt ?? 0) < attempt;
        if (ours || Number(own.claim_age_ms) > CLAIM_LEASE_MS) {
          return { kind: 'unknown', batch: await this.batchOf(client, item.address, own.batch_id, own.batch_kind!) };
        }
        return { kind: 'wait', ms: CLAIMED_RECHECK_MS, why: `being posted to ${item.address} with others` };
      }
      if (!pace)
        return {
          kind: 'wait',
          ms: BUSY_RECHECK_MS + Math.floor(Math.random() * BUSY_RECHECK_MS),
          why: `${item.address} is busy`,
        };

      const waitMs = this.takeToken(pace);
      await client.query('update notify_pace set tokens = $2, refilled_at = $3 where target = $4 and address = $1', [
        item.address,
        pace.tokens,
        pace.now,
        this.target,
      ]);
      if (waitMs > 0) {
        // Only the first in line needs to be there when the turn comes: it posts everyone waiting. The rest
        // come back a turn later to find themselves posted, and do not crowd the first one's moment.
        const ahead = await client.query<{ n: number }>(
          `select count(*)::int as n from notify_queue where target = $3 and address = $1 and batch_id is null
             and (queued_at, item_key) < (select queued_at, item_key from notify_queue where target = $3 and address = $1 and item_key = $2)`,
          [item.address, item.key, this.target],
        );
        const later = ahead.rows[0]!.n > 0 ? Math.max(this.settings.intervalMs, 500) : 0;
        return { kind: 'wait', ms: waitMs + later, why: `${item.address}'s next turn` };
      }

      const batch = await this.chooseBatch(client, item);
      await client.query(
        `update notify_queue set batch_id = $3, batch_kind = $4, claimed_at = clock_timestamp(), claimed_by = $5, claimed_attempt = $6
         where target = $7 and address = $1 and item_key = any($2::text[])`,
        [item.address, batch.items.map((row) => row.key), batch.id, batch.kind, item.deliveryId, attempt, this.target],
      );
      return { kind: 'post', batch };
    });
  }

  /** The batch reached the service: every item in it is done (see QueueStore.record). */
  record(batch: Batch, posted: Posted): Promise<void> {
    return this.queue.record(batch, posted);
  }

  /** Posted items are kept a day, long after any retry of theirs (so none can queue them again); then cleared. */
  prune(): Promise<number> {
    return this.queue.prune();
  }

  /** The service did not take the batch: its items wait again; a 429 also holds the address for its Retry-After. */
  async release(batch: Batch, holdMs = 0): Promise<void> {
    await this.db.transaction(async (client) => {
      await this.lockAddress(client, batch.address);
      await client.query(
        `update notify_queue set batch_id = null, batch_kind = null, claimed_at = null, claimed_by = null, claimed_attempt = null
         where batch_id = $1 and done_at is null`,
        [batch.id],
      );
      if (holdMs > 0) {
        await client.query(
          `update notify_pace set tokens = 0, refilled_at = clock_timestamp() + make_interval(secs => $2),
                  held_until = clock_timestamp() + make_interval(secs => $2) where target = $3 and address = $1`,
          [batch.address, holdMs / 1000, this.target],
        );
      }
    });
  }

  /** The service's id of an address we have posted to before, if any. */
  async knownAddressId(address: string): Promise<string | null> {
    const rows = await this.db.query<{ address_id: string }>(
      `select address_id from notify_address_ids where target = $2 and address = $1
       union all select address_id from notify_messages where target = $2 and address = $1 and address_id is not null limit 1`,
      [address, this.target],
    );
    return rows.rows[0]?.address_id ?? null;
  }

  private lockAddress(client: Queryable, address: string): Promise<PaceRow>;
  private lockAddress(client: Queryable, address: string, options: { skipLocked: true }): Promise<PaceRow | null>;
  private async lockAddress(
    client: Queryable,
    address: string,
    options: { skipLocked?: boolean } = {},
  ): Promise<PaceRow | null> {
    const select = `select tokens, refilled_at, held_until, clock_timestamp() as now from notify_pace
       where target = $2 and address = $1 for update${options.skipLocked ? ' skip locked' : ''}`;
    const row = (await client.query<PaceRow>(select, [address, this.target])).rows[0];
    if (row) return row;
    // Skipped because someone holds it, or missing. Only a missing one is created: an insert that meets the
    // row waits for whoever holds its lock, which would defeat skip locked (every post of a busy address
    // queued behind the one posting).
    if (
      options.skipLocked &&
      (await client.query('select 1 from notify_pace where target = $2 and address = $1', [address, this.target]))
        .rowCount
    )
      return null;
    // An address's first post: its bucket starts full.
    await client.query(
      'insert into notify_pace (target, address, tokens) values ($3, $1, $2) on conflict (target, address) do nothing',
      [address, this.settings.burst, this.target],
    );
    return (await client.query<PaceRow>(select, [address, this.target])).rows[0] ?? null;
  }

  /** Refills the bucket up to now and takes a token: 0, or how long until one is there. */
  private takeToken(pace: PaceRow): number {
    const { burst } = this.settings;
    if (this.settings.intervalMs <= 0) return 0;
    // A twentieth slower than the limit: a post that took longer to reach the service than the next one must
    // not make the two arrive closer together than the service allows.
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
   * What this turn posts. A root: every root waiting for the address as one digest when more than a few wait
   * (oldest first, as many as fit the provider's limits), else itself alone. A reply: likewise, every reply
   * waiting for the same thread as one message when more than a few wait.
   */
  private async chooseBatch(client: Queryable, item: QueueItem): Promise<Batch> {
    const id = randomUUID();
    const isReply = item.kind === 'reply';
    const waiting = (
      await client.query<QueueDbRow>(
        `select ${ROW_COLUMNS} from notify_queue
       where target = $4 and address = $1 and batch_id is null and ${isReply ? "kind = 'reply' and thread_id = $2" : "kind <> 'reply' and $2::text is null"}
       order by queued_at, item_key limit $3`,
        [item.address, isReply ? item.threadId : null, DIGEST_CANDIDATES, this.target],
      )
    ).rows.map(toQueuedRow);
    const own = waiting.find((row) => row.key === item.key)!;
    // A few waiting go one by one, as they would without a flood; more go together.
    if (waiting.length <= this.settings.digestAfter) return { id, address: item.address, kind: 'single', items: [own] };
    if (isReply) {
      const count = Math.max(1, this.capacity.replyCapacity(waiting.map((row) => row.line)));
      return {
        id,
        address: item.address,
        kind: 'replies',
        items: [own, ...waiting.filter((row) => row !== own)].slice(0, count),
      };
    }
    const count = Math.max(1, this.capacity.digestCapacity(waiting.map((row) => row.line)));
    return { id, address: item.address, kind: 'digest', items: waiting.slice(0, count) };
  }

  private async batchOf(client: Queryable, address: string, batchId: string, kind: string): Promise<Batch> {
    const rows = await client.query<QueueDbRow>(
      `select ${ROW_COLUMNS} from notify_queue where batch_id = $1 and done_at is null order by queued_at, item_key`,
      [batchId],
    );
    return { id: batchId, address, kind: kind as Batch['kind'], items: rows.rows.map(toQueuedRow) };
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
