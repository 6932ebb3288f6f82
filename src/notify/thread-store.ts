import type { RootKind } from './provider.js';
import type { CheckFinished } from '../events/types.js';
import type { Db, Queryable } from '../store/db.js';

/** A root posted to one address: its thread when it has ids. */
export interface PostedRow {
  address: string;
  kind: RootKind;
  addressId: string | null;
  postId: string | null;
  /** The root as posted alone, in the provider's format. */
  message: unknown;
  /** Announced in a digest: `postId` is the digest's, shared with the others in it. */
  digest: boolean;
  application: string | null;
}

/** What a target posted (roots, replies), the outcomes its status lines tell, and alerts' threads. */
export class ThreadStore {
  constructor(
    private readonly db: Db,
    private readonly target: string,
  ) {}

  async posted(eventId: string): Promise<Map<string, PostedRow>> {
    const rows = await this.db.query<{
      address: string;
      kind: RootKind;
      address_id: string | null;
      post_id: string | null;
      message: unknown;
      digest: boolean;
      application: string | null;
    }>(
      `select address, kind, address_id, post_id, message, digest, application from notify_messages
       where target = $2 and event_id = $1 order by posted_at, address`,
      [eventId, this.target],
    );
    return new Map(
      rows.rows.map((row) => [
        row.address,
        {
          address: row.address,
          kind: row.kind,
          addressId: row.address_id,
          postId: row.post_id,
          message: row.message,
          digest: row.digest,
          application: row.application,
        },
      ]),
    );
  }

  /** Thread roots of a deployment: rows with a service id and post id (a provider without threads keeps neither). */
  async threads(eventId: string): Promise<PostedRow[]> {
    const posted = await this.posted(eventId);
    return [...posted.values()].filter(
      (row) => row.kind === 'deployment' && row.addressId !== null && row.postId !== null,
    );
  }

  /** Keeps the newest outcome per module: a replayed check that now succeeds replaces its earlier failure. */
  async recordOutcome(
    eventId: string,
    checkEventId: string,
    reportedAt: string,
    finished: CheckFinished,
  ): Promise<void> {
    await this.db.query(
      `insert into notify_outcomes (event_id, module, check_event_id, finished, reported_at) values ($1, $2, $3, $4, $5)
       on conflict (event_id, module) do update
         set check_event_id = excluded.check_event_id, finished = excluded.finished, reported_at = excluded.reported_at
         where notify_outcomes.reported_at <= excluded.reported_at`,
      [eventId, finished.module, checkEventId, JSON.stringify(finished), reportedAt],
    );
  }

  /** The finished check whose outcome of a deployment arrived last (the one whose follow-up tells them all). */
  async newestOutcome(eventId: string): Promise<string | null> {
    const rows = await this.db.query<{ check_event_id: string }>(
      `select check_event_id from notify_outcomes where event_id = $1
       order by reported_at desc, check_event_id desc limit 1`,
      [eventId],
    );
    return rows.rows[0]?.check_event_id ?? null;
  }

  async outcomes(client: Queryable, eventId: string): Promise<CheckFinished[]> {
    const rows = await client.query<{ finished: CheckFinished }>(
      'select finished from notify_outcomes where event_id = $1 order by first_reported_at, module',
      [eventId],
    );
    return rows.rows.map((row) => row.finished);
  }

  async repliedAddresses(checkEventId: string): Promise<Set<string>> {
    const rows = await this.db.query<{ address: string }>(
      'select address from notify_replies where target = $2 and check_event_id = $1',
      [checkEventId, this.target],
    );
    return new Set(rows.rows.map((row) => row.address));
  }

  /**
   * Serialises root updates of one thread across replicas: the status line is read and sent under the
   * lock, so an update built from fewer outcomes can never land after one built from more.
   */
  async withRootLock<T>(eventId: string, address: string, work: (client: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (client) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [
        `notify-root:${this.target}:${eventId}:${address}`,
      ]);
      return work(client);
    });
  }

  /** The alert event whose thread a key's escalations and recovery reply in (one open alert per key). */
  async alertThread(key: string): Promise<string | null> {
    const rows = await this.db.query<{ alert_event_id: string }>(
      'select alert_event_id from notify_alert_threads where target = $2 and key = $1',
      [key, this.target],
    );
    return rows.rows[0]?.alert_event_id ?? null;
  }

  async setAlertThread(key: string, alertEventId: string): Promise<void> {
    await this.db.query(
      `insert into notify_alert_threads (target, key, alert_event_id) values ($3, $1, $2)
       on conflict (target, key) do update set alert_event_id = excluded.alert_event_id, updated_at = now()`,
      [key, alertEventId, this.target],
    );
  }
}
