import type { Migration } from './migrate.js';

/**
 * Silences and maintenance windows, and what they held: a delivery a silence held is ended `suppressed` with
 * the silence's id, so nothing is dropped (the event page shows it, a replay sends it).
 */
export const SILENCES_MIGRATIONS: readonly Migration[] = [
  {
    id: '012-silences',
    sql: `
      create table silences (
        id uuid primary key,
        matchers jsonb not null,
        starts_at timestamptz not null,
        ends_at timestamptz,
        recurrence text,
        duration_minutes integer,
        time_zone text,
        reason text not null,
        created_by text not null,
        origin text not null,
        created_at timestamptz not null default now(),
        ended_by text,
        -- Who sent it and their Idempotency-Key: a pipeline step that retries its POST gets the same silence.
        idempotency_key text
      );
      create unique index silences_idempotency_key on silences (idempotency_key) where idempotency_key is not null;
      -- Every replica reads the silences that are not over yet; ended ones are history.
      create index silences_ends_at on silences (ends_at);

      -- One row per closing of a silence or window that was looked at: its summary (if anything it held is
      -- still failing) is published in the same transaction, so it goes out once across replicas and retries.
      create table silence_summaries (
        silence_id uuid not null,
        closed_at timestamptz not null,
        at timestamptz not null default now(),
        primary key (silence_id, closed_at)
      );

      alter table deliveries add column suppressed_by uuid;
      create index deliveries_suppressed_by on deliveries (suppressed_by, created_at) where suppressed_by is not null;
    `,
  },
];
