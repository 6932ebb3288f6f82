import type { Migration } from './migrate.js';

/**
 * What every replica must agree on to refuse a replayed signature or a guessing client: kept in PostgreSQL,
 * not per process, so a load balancer spreading requests over replicas changes nothing.
 */
export const SECURITY_MIGRATIONS: readonly Migration[] = [
  {
    id: '040-security-ledgers',
    sql: `
      -- Signed ingest requests already accepted, by the SHA-256 of their signature, until their timestamp
      -- leaves the skew window (after that the timestamp alone refuses them).
      create table ingest_signatures (
        digest bytea primary key,
        seen_at timestamptz not null default now(),
        expires_at timestamptz not null
      );
      create index ingest_signatures_expiry on ingest_signatures (expires_at);

      -- Failed authentication per client address, in fixed windows.
      create table auth_failures (
        address text primary key,
        window_start timestamptz not null default now(),
        failures integer not null default 0
      );
      create index auth_failures_window on auth_failures (window_start);
    `,
  },
];
