import type { Migration } from './migrate.js';

/**
 * Cheaper deliveries: each delivery cost about as much as ingesting its event, in queue jobs,
 * claims and lifecycle rows that mostly repeated what the delivery's own row says.
 */
export const DELIVERY_MIGRATIONS: readonly Migration[] = [
  {
    id: '008-one-job-per-event',
    sql: `
      -- An event's deliveries are run by one queue job (its payload lists them), not one job each. A delivery
      -- that leaves that job (a retry, a deferral, a replay, a busy serial module) gets a job of its own and
      -- loses the flag, so a re-run of the event's job (its hub died) never claims it as well.
      alter table deliveries add column event_job boolean not null default false;

      -- The hub that ingested an event runs its deliveries itself when it has room, without a queue job: they
      -- are stored already in progress and claimed by it (claimed_by: its instance id, cleared when the attempt
      -- ends or leaves). If that hub dies, the sweep of dead replicas gives each a job of its own. The index
      -- holds only deliveries running that way right now.
      alter table deliveries add column claimed_by text;
      create index deliveries_claimed_by on deliveries (claimed_by) where claimed_by is not null;

      -- The lifecycle keeps only what the delivery's row cannot tell: the row says when it was queued
      -- (created_at) and holds its current attempt (started_at, finished_at, status, last_error); the log
      -- holds attempts that are over and replaced (a failure before a retry, an attempt a dead hub left, the
      -- attempt a replay starts over from) and replays. The first 'queued' rows are now read off the row.
      -- Rows written before this change that the row now tells are dropped, so no step shows twice: the first
      -- 'queued', and the current attempt's start and end (each stored with the same now() as the row's).
      delete from delivery_log where status = 'queued' and attempt = 0 and detail is null;
      delete from delivery_log l using deliveries d
      where l.delivery_id = d.id and d.status in ('in_progress', 'succeeded', 'dead', 'skipped')
        and l.attempt = d.attempts and (l.status = 'in_progress' or l.status = d.status);
    `,
  },
];
