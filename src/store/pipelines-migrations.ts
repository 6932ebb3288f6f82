import type { Migration } from './migrate.js';

/**
 * Sources besides Aspen's JSON (CDEvents, GitHub, GitLab) and rollbacks. `events.source` names the adapter an
 * ingested event came through (null for derived events and for events stored before sources existed, which
 * were all Aspen's JSON), with an index for placing deployments by version. `insight_facts.rollback` keeps a deployment's rollback mark past the event prune, so
 * the measures can count the deployment a rollback replaced as failed and the rollback as its restore.
 */
export const PIPELINES_MIGRATIONS: readonly Migration[] = [
  {
    id: 'pipelines-event-source',
    sql: `
      alter table events add column source text;
      alter table insight_facts add column rollback boolean not null default false;
      -- Placing a deployment asks when the cluster first ran a version (src/store/deployment-placement.ts): the
      -- application's deployments of that version, from the index alone, not every deployment it ever had.
      create index events_deployment_version on events (application_name, (payload->>'version'), received_at)
        where type = 'deployment' and parent_id is null;
    `,
  },
  {
    id: 'pipelines-placed-deployment-index',
    sql: `
      -- Placing a deployment reads the latest one of its application and cluster on every ingest. The older
      -- events_latest_deployment index neither leaves out second reports nor matches a null cluster by equality,
      -- so that read went through every deployment of the application: ingest slowed as the history grew.
      create index events_placed_deployment on events (application_name, coalesce(cluster, ''), received_at desc, id desc)
        where type = 'deployment' and parent_id is null;
    `,
  },
];
