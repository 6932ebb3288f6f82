import type { Migration } from './migrate.js';

/**
 * What the operator's window reads that nothing kept before: each key's recent results and since when it has
 * its status (the per-target strip and the flapping mark), a module's failures after a replay moved them to
 * the log ("last failure" stays told), and errors per application (the application and team pages).
 */
export const STATUS_PAGE_MIGRATIONS: readonly Migration[] = [
  {
    id: '010-operator-window-key-history',
    sql: `
      -- The last results of a key, oldest first, [{"s": status, "at": time}], at most 20: written by the same
      -- upsert that saves the state, so no table grows with every run of every key.
      alter table inspection_state
        add column status_since timestamptz,
        add column history jsonb not null default '[]';
      update inspection_state set status_since = updated_at,
        history = jsonb_build_array(jsonb_build_object('s', status, 'at', updated_at));

      -- A module's latest failure, newest first, whichever delivery it was: a replay moves a dead attempt from
      -- the delivery's row to the log, and the page must still say when the module last failed.
      create index delivery_log_failures on delivery_log (at desc) where status in ('failed', 'dead');

      -- An application's (and a team's applications') recent error reports, without reading every event.
      create index events_application_errors on events (application_name, received_at desc) where type = 'error';
    `,
  },
];
