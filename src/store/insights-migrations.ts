import type { Migration } from './migrate.js';

/**
 * Delivery insights. Reading the four measures straight from `events` meant pulling 100,000
 * enriched payloads through jsonb per request (measured: 250 ms for the scan alone), and the hourly prune drops
 * events after EVENT_RETENTION_DAYS (30) while insights look back 90 days. So the few fields the measures need
 * are copied into `insight_facts` as events arrive (read side, see insights-sync.ts: nothing on the ingest path),
 * kept past the prune, and each counted deployment's outcome (failed when, restored when, by what) is kept in
 * `insight_deployments`, with per-day sums in `insight_days`, recomputed only where new facts can change them.
 */
export const INSIGHTS_MIGRATIONS: readonly Migration[] = [
  {
    id: '009-insights',
    sql: `
      -- One row per deployment, removal, error report, and alert or recovery of an inspection about an
      -- application: what the measures read, in the order things arrived (at = the event's received_at).
      create table insight_facts (
        event_id uuid primary key,
        kind text not null,
        at timestamptz not null,
        -- '' when the event named no cluster
        cluster text not null,
        application text not null,
        team text,
        version text,
        -- when the pipeline built the image (the deployment's created); null when absent or unreadable
        created_at timestamptz,
        channels text[]
      );
      create index insight_facts_stream on insight_facts (cluster, application, at);

      -- One row per counted deployment (replicas > 0, not a repeat of the one before it) and its outcome.
      create table insight_deployments (
        event_id uuid primary key,
        cluster text not null,
        application text not null,
        team text,
        at timestamptz not null,
        -- arrival minus created; null is "n/a" (no created, or one after the arrival)
        lead_ms double precision,
        failed_at timestamptz,
        failed_by uuid,
        restored_at timestamptz,
        restored_by uuid
      );
      create index insight_deployments_window on insight_deployments (cluster, at);
      -- What every read walks: a window's outcomes by team, application and arrival, from the index alone (no sort:
      -- sorting 100,000 rows was most of a read's time).
      create index insight_deployments_tree on insight_deployments (cluster, team, application, at, event_id) include (lead_ms, failed_at, restored_at);
      create index insight_deployments_app on insight_deployments (cluster, application, at);
      create index insight_deployments_failed on insight_deployments (cluster, application, at) where failed_at is not null;

      -- Counted deployments and failed ones per application and UTC day (days since 1970-01-01), kept with the
      -- outcomes: the per-interval series and deployment days read some 18,000 rows here instead of grouping
      -- 100,000 outcomes by day on every read.
      create table insight_days (
        cluster text not null,
        application text not null,
        team text,
        day integer not null,
        deployments integer not null,
        failed integer not null
      );
      create index insight_days_window on insight_days (cluster, day);
      create index insight_days_app on insight_days (cluster, application, day);

      -- How far events have been copied: the next copy reads events received after this, less a margin.
      create table insight_sync (
        id boolean primary key default true check (id),
        synced_until timestamptz not null default '-infinity'
      );
      insert into insight_sync default values;
    `,
  },
];
