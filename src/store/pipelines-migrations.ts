import type { Migration } from './migrate.js';

/**
 * Sources besides Aspen's JSON (CDEvents, GitHub, GitLab) and rollbacks. `events.source` names the adapter an
 * ingested event came through (null for derived events and for events stored before sources existed, which
 * were all Aspen's JSON). `insight_facts.rollback` keeps a deployment's rollback mark past the event prune, so
 * the measures can count the deployment a rollback replaced as failed and the rollback as its restore.
 */
export const PIPELINES_MIGRATIONS: readonly Migration[] = [
  {
    id: 'pipelines-event-source',
    sql: `
      alter table events add column source text;
      alter table insight_facts add column rollback boolean not null default false;
    `,
  },
];
