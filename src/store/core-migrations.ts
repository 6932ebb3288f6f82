import type { Migration } from './migrate.js';
import { CONFIG_FILE_MIGRATIONS } from './config-file-migrations.js';
import { DELIVERY_MIGRATIONS } from './delivery-migrations.js';
import { NOTIFY_MIGRATIONS } from './notify-migrations.js';
import { INSIGHTS_MIGRATIONS } from './insights-migrations.js';
import { OPS_MIGRATIONS } from './ops-migrations.js';
import { PIPELINES_MIGRATIONS } from './pipelines-migrations.js';
import { SECURITY_MIGRATIONS } from './security-migrations.js';
import { SILENCES_MIGRATIONS } from './silences-migrations.js';
import { STATUS_PAGE_MIGRATIONS } from './status-page-migrations.js';

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
    // The authenticated sender of an ingested event (INGEST_TOKENS name, 'hmac'); null while ingest is open.
    id: '004-event-sender',
    sql: `alter table events add column sender text;`,
  },
  {
    // The check model. Modules' runs are their deliveries and are not copied here; inspections'
    // and external tools' runs are. A run's errors are rows of their own so administrators can list every
    // check's recent errors in one query. State per (inspection, key) is what makes alerts fire on change
    // only, across replicas and restarts.
    id: '005-checks',
    sql: `
      create table checks (
        name text primary key,
        description text,
        slack_channels text[] not null default '{}',
        max_runtime_seconds integer not null default 300,
        expect_every_seconds integer,
        -- sha256 of a random 32-byte token: the token itself is shown once and never stored.
        token_hash bytea not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        last_report_at timestamptz,
        last_missed_at timestamptz
      );

      create table check_runs (
        id uuid primary key,
        check_name text not null,
        kind text not null,
        -- The reporter's own run id (external checks): the same id again answers the same run.
        external_id text not null,
        status text not null,
        target text,
        dimensions jsonb not null default '{}',
        result_status text,
        score double precision,
        message text,
        max_runtime_seconds integer not null,
        started_at timestamptz not null default now(),
        finished_at timestamptz,
        duration_ms integer,
        unique (check_name, external_id)
      );
      create index check_runs_recent on check_runs (check_name, started_at desc, id desc);
      create index check_runs_open on check_runs (started_at) where status in ('queued', 'in_progress');

      create table check_run_errors (
        id bigserial primary key,
        run_id uuid not null references check_runs(id) on delete cascade,
        check_name text not null,
        at timestamptz not null default now(),
        error text not null,
        detail text
      );
      create index check_run_errors_recent on check_run_errors (at desc);
      create index check_run_errors_check on check_run_errors (check_name, at desc);

      create table inspection_state (
        check_name text not null,
        key text not null,
        dimensions jsonb not null default '{}',
        status text not null,
        alert_status text,
        bad_streak integer not null default 0,
        good_streak integer not null default 0,
        since timestamptz,
        title text not null default '',
        message text not null default '',
        updated_at timestamptz not null default now(),
        primary key (check_name, key)
      );

      create table inspection_transitions (
        id bigserial primary key,
        check_name text not null,
        key text not null,
        dimensions jsonb not null default '{}',
        transition text not null,
        status text not null,
        previous_status text,
        since timestamptz not null,
        at timestamptz not null default now(),
        title text not null,
        message text not null,
        run_id text,
        event_id uuid
      );
      create index inspection_transitions_recent on inspection_transitions (check_name, id desc);

      create table inspection_parameters (
        inspection text not null,
        name text not null,
        value jsonb not null,
        updated_at timestamptz not null default now(),
        primary key (inspection, name)
      );
      create table inspection_parameter_changes (
        id bigserial primary key,
        inspection text not null,
        at timestamptz not null default now(),
        -- {name: {from, to}}, secrets as '***'
        changes jsonb not null
      );
      create index inspection_parameter_changes_recent on inspection_parameter_changes (inspection, id desc);

      -- Inspections read the latest deployment of each application and cluster every minute.
      create index events_latest_deployment on events (application_name, cluster, received_at desc) where type = 'deployment';
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
  ...OPS_MIGRATIONS,
  ...DELIVERY_MIGRATIONS,
  ...INSIGHTS_MIGRATIONS,
  ...PIPELINES_MIGRATIONS,
  ...STATUS_PAGE_MIGRATIONS,
  ...SECURITY_MIGRATIONS,
  ...SILENCES_MIGRATIONS,
  ...NOTIFY_MIGRATIONS,
  ...CONFIG_FILE_MIGRATIONS,
];
