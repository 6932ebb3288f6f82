import type { Migration } from '../../src/module-api.js';

export const MIGRATIONS: readonly Migration[] = [
  {
    id: '001-history',
    sql: `
      create table deployments (
        event_id uuid primary key,
        application_name text not null,
        cluster text,
        version text,
        image_name text,
        replicas integer not null,
        team text,
        importance text not null,
        created_at timestamptz,
        received_at timestamptz not null,
        raw jsonb,
        enriched jsonb not null
      );
      create index deployments_received on deployments (received_at desc, event_id desc);
      create index deployments_app_cluster on deployments (cluster, application_name, received_at desc);
      create index deployments_team on deployments (team, received_at desc);

      create table error_reports (
        event_id uuid primary key,
        application_name text,
        cluster text,
        message text not null,
        received_at timestamptz not null,
        raw jsonb,
        enriched jsonb not null
      );
      create index error_reports_received on error_reports (received_at desc);

      create table recommendations (
        event_id uuid primary key,
        application_name text,
        team text,
        message text not null,
        received_at timestamptz not null,
        raw jsonb,
        enriched jsonb not null
      );
      create index recommendations_received on recommendations (received_at desc);
    `,
  },
  {
    // Aspen sends "global" for a global-mode service (and its stack file's text when it holds no number):
    // the column keeps what was sent, as the history API's JSON does.
    id: '002-aspen-replicas-as-sent',
    sql: `alter table deployments alter column replicas type text using replicas::text;`,
  },
  {
    // CDEvents, GitHub and GitLab do not count replicas: their deployments are stored with none.
    id: 'pipelines-replicas-unknown',
    sql: `alter table deployments alter column replicas drop not null;`,
  },
];
