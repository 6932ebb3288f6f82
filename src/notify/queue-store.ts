import { randomUUID } from 'node:crypto';
import type { Batch, QueueItem } from './items.js';
import type { Posted } from './provider.js';
import type { Db } from '../store/db.js';
import { Batcher } from '../util/batcher.js';

/**
 * The statements about queued items that need no address lock, each taking every call arriving at the same
 * moment (group commit): a first try queueing its item already claimed (pacing off), and the record of a post.
 * One statement costs PostgreSQL far more than the rows it carries, and deliveries run side by side.
 */
export class QueueStore {
  private readonly claims: Batcher<{ item: QueueItem; attempt: number; batchId: string }, Date | null>;
  private readonly records: Batcher<{ batch: Batch; posted: Posted }, void>;

  constructor(
    private readonly db: Db,
    private readonly target: string,
  ) {
    this.claims = new Batcher((claims) => this.claimAll(claims));
    this.records = new Batcher<{ batch: Batch; posted: Posted }, void>(async (records) => {
      await this.recordAll(records);
      return records.map(() => undefined);
    });
  }

  /**
   * The batch reached the service as `posted`: every item in it is done (roots become threads, replies are
   * recorded), in one statement with the records arriving at the same time. No address lock: only the batches'
   * own claimed rows are touched, and a second record of the same batch (an adoption racing the poster) finds
   * them done and adds nothing.
   */
  record(batch: Batch, posted: Posted): Promise<void> {
    return this.records.submit({ batch, posted });
  }

  private async recordAll(records: Array<{ batch: Batch; posted: Posted }>): Promise<void> {
    const input = records.map(({ batch, posted }) => ({
      batch_id: batch.id,
      address: batch.address,
      address_id: posted.addressId,
      post_id: posted.postId,
      digest: batch.kind === 'digest',
    }));
    await this.db.query({
      name: 'notify:record-batches',
      text: `with input as (
         select * from jsonb_to_recordset($1::jsonb) as r(batch_id uuid, address text, address_id text, post_id text, digest boolean)
       ), done as (
         -- The id list keeps PostgreSQL on the batch index; joined to the input alone it hashed the whole queue.
         update notify_queue q set done_at = clock_timestamp() from input i
         where q.batch_id = i.batch_id and q.batch_id = any($2::uuid[]) and q.done_at is null and q.target = $3
         returning q.address, q.item_key, q.kind, q.event_id, q.message, q.application, i.address_id, i.post_id, i.digest
       ), roots as (
         -- Straight from the queue rows: a digest's items keep their own message (the thread root if posted alone).
         insert into notify_messages (target, event_id, address, kind, address_id, post_id, message, digest, application)
         select $3, event_id, address, kind, address_id, post_id, message, digest, application from done where kind <> 'reply'
         on conflict (target, event_id, address) do nothing
       ), replies as (
         insert into notify_replies (target, check_event_id, address, event_id, post_id)
         select $3, item_key::uuid, address, event_id, post_id from done where kind = 'reply'
         on conflict do nothing
       )
       -- Written only when new or changed: an upsert on every post would make each address's posts queue on this row.
       insert into notify_address_ids (target, address, address_id)
       select distinct on (i.address) $3, i.address, i.address_id from input i
       where i.address_id is not null
         and not exists (select 1 from notify_address_ids c where c.target = $3 and c.address = i.address and c.address_id = i.address_id)
       on conflict (target, address) do update set address_id = excluded.address_id`,
      values: [JSON.stringify(input), input.map((row) => row.batch_id), this.target],
    });
  }

  /** Posted items are kept a day, long after any retry of theirs (so none can queue them again); then cleared. */
  async prune(): Promise<number> {
    const result = await this.db.query(
      `delete from notify_queue where target = $1 and done_at < clock_timestamp() - interval '1 day'`,
      [this.target],
    );
    return result.rowCount ?? 0;
  }

  /** The item queued and claimed as its own batch, or null when it was queued before (one statement per moment). */
  async claimAlone(item: QueueItem, attempt: number): Promise<Batch | null> {
    const batchId = randomUUID();
    const queuedAt = await this.claims.submit({ item, attempt, batchId });
    if (!queuedAt) return null;
    const { address, key, kind, eventId, deliveryId, threadId, line, application } = item;
    return {
      id: batchId,
      address,
      kind: 'single',
      items: [{ address, key, kind, eventId, deliveryId, threadId, line, application, queuedAt }],
    };
  }

  private async claimAll(
    claims: Array<{ item: QueueItem; attempt: number; batchId: string }>,
  ): Promise<Array<Date | null>> {
    const input = claims.map(({ item, attempt, batchId }) => ({
      address: item.address,
      item_key: item.key,
      kind: item.kind,
      event_id: item.eventId,
      delivery_id: item.deliveryId,
      thread_id: item.threadId,
      message: item.message,
      line: item.line,
      application: item.application,
      batch_id: batchId,
      attempt,
    }));
    const rows = await this.db.query<{ batch_id: string; queued_at: Date }>({
      name: 'notify:claim-alone',
      text: `insert into notify_queue (target, address, item_key, kind, event_id, delivery_id, thread_id, message, line, application,
                                      batch_id, batch_kind, claimed_at, claimed_by, claimed_attempt)
             select $2, address, item_key, kind, event_id, delivery_id, thread_id, message, line, application,
                    batch_id, 'single', clock_timestamp(), delivery_id, attempt
             from jsonb_to_recordset($1::jsonb) as r(address text, item_key text, kind text, event_id uuid, delivery_id uuid,
                  thread_id text, message jsonb, line text, application text, batch_id uuid, attempt int)
             on conflict (target, address, item_key) do nothing returning batch_id, queued_at`,
      values: [JSON.stringify(input), this.target],
    });
    const queued = new Map(rows.rows.map((row) => [row.batch_id, row.queued_at]));
    return claims.map((claim) => queued.get(claim.batchId) ?? null);
  }
}
