import type { SlackMessage } from './blocks.js';
import type { CheckFinished, Db, Queryable } from '../../src/module-api.js';

export type MessageKind = 'deployment' | 'error' | 'recommendation' | 'alert' | 'summary';

export interface PostedRow {
  channel: string;
  kind: MessageKind;
  channelId: string | null;
  ts: string | null;
  message: SlackMessage;
  /** Announced in a digest: `ts` is the digest's, shared with the others in it. */
  digest: boolean;
  application: string | null;
}

/** The module's own tables (see migrations.ts); nothing else reads or writes them. */
export class SlackStore {
  constructor(private readonly db: Db) {}

  async posted(eventId: string): Promise<Map<string, PostedRow>> {
    const rows = await this.db.query<{
      channel: string;
      kind: MessageKind;
      channel_id: string | null;
      ts: string | null;
      message: SlackMessage;
      digest: boolean;
      application: string | null;
    }>(
      'select channel, kind, channel_id, ts, message, digest, application from slack_messages where event_id = $1 order by posted_at, channel',
      [eventId],
    );
    return new Map(
      rows.rows.map((row) => [
        row.channel,
        {
          channel: row.channel,
          kind: row.kind,
          channelId: row.channel_id,
          ts: row.ts,
          message: row.message,
          digest: row.digest,
          application: row.application,
        },
      ]),
    );
  }

  /** Thread roots of a deployment: rows with a Slack id and ts (webhook posts have neither). */
  async threads(eventId: string): Promise<PostedRow[]> {
    const posted = await this.posted(eventId);
    return [...posted.values()].filter((row) => row.kind === 'deployment' && row.channelId !== null && row.ts !== null);
  }

  /** Keeps the newest outcome per module: a replayed check that now succeeds replaces its earlier failure. */
  async recordOutcome(
    eventId: string,
    checkEventId: string,
    reportedAt: string,
    finished: CheckFinished,
  ): Promise<void> {
    await this.db.query(
      `insert into slack_outcomes (event_id, module, check_event_id, finished, reported_at) values ($1, $2, $3, $4, $5)
       on conflict (event_id, module) do update
         set check_event_id = excluded.check_event_id, finished = excluded.finished, reported_at = excluded.reported_at
         where slack_outcomes.reported_at <= excluded.reported_at`,
      [eventId, finished.module, checkEventId, JSON.stringify(finished), reportedAt],
    );
  }

  async outcomes(client: Queryable, eventId: string): Promise<CheckFinished[]> {
    const rows = await client.query<{ finished: CheckFinished }>(
      'select finished from slack_outcomes where event_id = $1 order by first_reported_at, module',
      [eventId],
    );
    return rows.rows.map((row) => row.finished);
  }

  async repliedChannels(checkEventId: string): Promise<Set<string>> {
    const rows = await this.db.query<{ channel: string }>(
      'select channel from slack_replies where check_event_id = $1',
      [checkEventId],
    );
    return new Set(rows.rows.map((row) => row.channel));
  }

  /**
   * Serialises root updates of one thread across replicas: the status line is read and sent under the
   * lock, so an update built from fewer outcomes can never land after one built from more.
   */
  async withRootLock<T>(eventId: string, channel: string, work: (client: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (client) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`slack-root:${eventId}:${channel}`]);
      return work(client);
    });
  }

  /** The alert event whose thread a key's escalations and recovery reply in (one open alert per key). */
  async alertThread(key: string): Promise<string | null> {
    const rows = await this.db.query<{ alert_event_id: string }>(
      'select alert_event_id from slack_alert_threads where key = $1',
      [key],
    );
    return rows.rows[0]?.alert_event_id ?? null;
  }

  async setAlertThread(key: string, alertEventId: string): Promise<void> {
    await this.db.query(
      `insert into slack_alert_threads (key, alert_event_id) values ($1, $2)
       on conflict (key) do update set alert_event_id = excluded.alert_event_id, updated_at = now()`,
      [key, alertEventId],
    );
  }
}
