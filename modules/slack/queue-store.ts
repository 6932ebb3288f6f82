import { randomUUID } from 'node:crypto';
import type { Batch, QueueItem } from './queue-items.js';
import { Batcher, type Db } from '../../src/module-api.js';

type Posted = { channelId: string | null; ts: string | null };

/**
 * The statements about queued items that need no channel lock, each taking every call arriving at the same
 * moment (group commit): a first try queueing its item already claimed (pacing off), and the record of a post.
 * One statement costs PostgreSQL far more than the rows it carries, and Slack deliveries run side by side.
 */
export class QueueStore {
  private readonly claims: Batcher<{ item: QueueItem; attempt: number; batchId: string }, Date | null>;
  private readonly records: Batcher<{ batch: Batch; posted: Posted }, void>;

  constructor(private readonly db: Db) {
    this.claims = new Batcher((claims) => this.claimAll(claims));
    this.records = new Batcher<{ batch: Batch; posted: Posted }, void>(async (records) => {
      await this.recordAll(records);
      return records.map(() => undefined);
    });
  }

  /**
   * The batch reached Slack as `ts`: every item in it is done (roots become threads, replies are recorded), in
   * one statement with the records arriving at the same time. No channel lock: only the batches' own claimed
   * rows are touched, and a second record of the same batch (an adoption racing the poster) finds them done
   * and adds nothing.
   */
  record(batch: Batch, posted: Posted): Promise<void> {
    return this.records.submit({ batch, posted });
  }

  private async recordAll(records: Array<{ batch: Batch; posted: Posted }>): Promise<void> {
    const input = records.map(({ batch, posted }) => ({
      batch_id: batch.id,
      channel: batch.channel,
      channel_id: posted.channelId,
      ts: posted.ts,
      digest: batch.kind === 'digest',
    }));
    await this.db.query({
      name: 'slack:record-batches',
      text: `with input as (
         select * from jsonb_to_recordset($1::jsonb) as r(batch_id uuid, channel text, channel_id text, ts text, digest boolean)
       ), done as (
         -- The id list keeps PostgreSQL on the batch index; joined to the input alone it hashed the whole queue.
         update slack_queue q set done_at = clock_timestamp() from input i
         where q.batch_id = i.batch_id and q.batch_id = any($2::uuid[]) and q.done_at is null
         returning q.channel, q.item_key, q.kind, q.event_id, q.message, q.application, i.channel_id, i.ts, i.digest
       ), roots as (
         -- Straight from the queue rows: a digest's items keep their own message (the thread root if posted alone).
         insert into slack_messages (event_id, channel, kind, channel_id, ts, message, digest, application)
         select event_id, channel, kind, channel_id, ts, message, digest, application from done where kind <> 'reply'
         on conflict (event_id, channel) do nothing
       ), replies as (
         insert into slack_replies (check_event_id, channel, event_id, ts)
         select item_key::uuid, channel, event_id, ts from done where kind = 'reply'
         on conflict do nothing
       )
       -- Written only when new or changed: an upsert on every post would make each channel's posts queue on this row.
       insert into slack_channel_ids (channel, channel_id)
       select distinct on (i.channel) i.channel, i.channel_id from input i
       where i.channel_id is not null and not exists (select 1 from slack_channel_ids c where c.channel = i.channel and c.channel_id = i.channel_id)
       on conflict (channel) do update set channel_id = excluded.channel_id`,
      values: [JSON.stringify(input), input.map((row) => row.batch_id)],
    });
  }

  /** Posted items are kept a day, long after any retry of theirs (so none can queue them again); then cleared. */
  async prune(): Promise<number> {
    const result = await this.db.query(`delete from slack_queue where done_at < clock_timestamp() - interval '1 day'`);
    return result.rowCount ?? 0;
  }

  /** The item queued and claimed as its own batch, or null when it was queued before (one statement per moment). */
  async claimAlone(item: QueueItem, attempt: number): Promise<Batch | null> {
    const batchId = randomUUID();
    const queuedAt = await this.claims.submit({ item, attempt, batchId });
    if (!queuedAt) return null;
    const { channel, key, kind, eventId, deliveryId, threadTs, line, application } = item;
    return {
      id: batchId,
      channel,
      kind: 'single',
      items: [{ channel, key, kind, eventId, deliveryId, threadTs, line, application, queuedAt }],
    };
  }

  private async claimAll(
    claims: Array<{ item: QueueItem; attempt: number; batchId: string }>,
  ): Promise<Array<Date | null>> {
    const input = claims.map(({ item, attempt, batchId }) => ({
      channel: item.channel,
      item_key: item.key,
      kind: item.kind,
      event_id: item.eventId,
      delivery_id: item.deliveryId,
      thread_ts: item.threadTs,
      message: item.message,
      line: item.line,
      application: item.application,
      batch_id: batchId,
      attempt,
    }));
    const rows = await this.db.query<{ batch_id: string; queued_at: Date }>({
      name: 'slack:claim-alone',
      text: `insert into slack_queue (channel, item_key, kind, event_id, delivery_id, thread_ts, message, line, application,
                                      batch_id, batch_kind, claimed_at, claimed_by, claimed_attempt)
             select channel, item_key, kind, event_id, delivery_id, thread_ts, message, line, application,
                    batch_id, 'single', clock_timestamp(), delivery_id, attempt
             from jsonb_to_recordset($1::jsonb) as r(channel text, item_key text, kind text, event_id uuid, delivery_id uuid,
                  thread_ts text, message jsonb, line text, application text, batch_id uuid, attempt int)
             on conflict (channel, item_key) do nothing returning batch_id, queued_at`,
      values: [JSON.stringify(input)],
    });
    const queued = new Map(rows.rows.map((row) => [row.batch_id, row.queued_at]));
    return claims.map((claim) => queued.get(claim.batchId) ?? null);
  }
}
