import type { Migration } from './migrate.js';

/** The core's tables: events as accepted, and one delivery (check) per event and module. */
export const CORE_MIGRATIONS: readonly Migration[] = [
  {
    id: '001-events-and-deliveries',
    sql: `
      create table events (
        id uuid primary key,
        type text not null,
        received_at timestamptz not null default now(),
        parent_id uuid references events(id) on delete cascade,
        raw jsonb,
        payload jsonb not null,
        application_name text,
        cluster text,
        team text,
        idempotency_key text,
        body_hash text,
        fingerprint text,
        -- An error coalesced into a storm: the id of the storm's first error, which went out at once.
        storm_of uuid,
        storm_reported boolean not null default false
      );
      create unique index events_idempotency_key on events (idempotency_key) where idempotency_key is not null;
      create index events_body_hash on events (body_hash, received_at) where body_hash is not null;
      create index events_fingerprint on events (fingerprint, received_at) where fingerprint is not null;
      create index events_received_at on events (received_at desc, id desc);
      create index events_parent on events (parent_id) where parent_id is not null;
      create index events_storm on events (storm_of) where storm_of is not null;

      create table deliveries (
        id uuid primary key,
        event_id uuid not null references events(id) on delete cascade,
        module text not null,
        status text not null,
        attempts integer not null default 0,
        max_attempts integer not null,
        timeout_ms integer not null,
        deadline timestamptz not null,
        next_attempt_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms integer,
        last_error jsonb,
        result jsonb,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (event_id, module)
      );
      create index deliveries_module_status on deliveries (module, status);

      create table delivery_log (
        id bigserial primary key,
        delivery_id uuid not null references deliveries(id) on delete cascade,
        at timestamptz not null default now(),
        status text not null,
        attempt integer not null,
        detail jsonb
      );
      create index delivery_log_delivery on delivery_log (delivery_id, id);

      create table hub_instances (
        id text primary key,
        worker_ids text[] not null default '{}',
        started_at timestamptz not null default now(),
        heartbeat_at timestamptz not null default now()
      );
    `,
  },
  {
    // Repeats were found by looking for an earlier event with the same body hash inside the window. That
    // lookup sat in the ingest statement, and with statistics from an emptier table PostgreSQL chose to hash
    // the whole window instead (a sequential scan per batch, 3x slower ingest). A key table with a unique
    // index turns the check into the insert itself: a conflict on a live key is a repeat.
    id: '002-event-keys',
    sql: `
      create table event_keys (
        -- 'k:<type>:<Idempotency-Key>' (lives as long as its event) or 'h:<body hash>' (expires with the window)
        key text primary key,
        event_id uuid not null references events(id) on delete cascade,
        expires_at timestamptz not null
      );
      create index event_keys_event on event_keys (event_id);
      insert into event_keys (key, event_id, expires_at)
        select 'k:' || idempotency_key, id, 'infinity' from events where idempotency_key is not null;
      drop index events_idempotency_key;
      drop index events_body_hash;
    `,
  },
  {
    // One row per schedule and tick: the unique key is what makes a tick run once even if two replicas
    // were ever handed it, and the record operators read (GET /api/v1/schedules).
    id: '003-scheduled-runs',
    sql: `
      create table scheduled_runs (
        id bigserial primary key,
        schedule text not null,
        fired_at timestamptz not null,
        hub text not null,
        status text not null,
        attempts integer not null default 1,
        started_at timestamptz not null default now(),
        finished_at timestamptz,
        duration_ms integer,
        result jsonb,
        error jsonb,
        unique (schedule, fired_at)
      );
      create index scheduled_runs_recent on scheduled_runs (schedule, fired_at desc);
    `,
  },
  {
    // The status page's live feed (GET /api/v1/stream): every replica writes what its HubStream saw, in
    // batches off the ingest path, and every replica's stream reads rows past the id a browser last saw, so
    // Last-Event-ID replays what was missed whichever replica wrote it. Unlogged: a feed of the last hours,
    // not a record (events and deliveries are); it costs no WAL, and a PostgreSQL crash only empties it.
    id: '006-activity',
    sql: `
      create unlogged table status_activity (
        id bigserial primary key,
        at timestamptz not null default now(),
        kind text not null,
        data jsonb not null
      );
      create index status_activity_at on status_activity (at);
      -- The page's "last success per module" reads the newest row of (module, 'succeeded'); with finished_at
      -- in the index that is one index step instead of every success of the module. The old index is a prefix.
      create index deliveries_module_status_finished on deliveries (module, status, finished_at desc);
      drop index deliveries_module_status;
    `,
  },
];
