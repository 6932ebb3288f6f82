import type { Migration } from './migrate.js';

/**
 * Run-time control: what operators change while the hub runs, kept in PostgreSQL so every
 * replica applies the same thing and a restarted hub keeps it. Heartbeat figures ride on hub_instances.
 */
export const OPS_MIGRATIONS: readonly Migration[] = [
  {
    id: '007-ops-control',
    sql: `
      alter table hub_instances
        add column host text,
        add column version text,
        add column pid integer,
        add column stats jsonb,
        -- Set when a survivor unlocked this hub's jobs; the row stays (for an hour) so the heartbeat list
        -- shows a replica that went silent within the last minute.
        add column swept_at timestamptz;

      -- Level overrides set at run time: 'root' or a module's name. A row past expires_at is void.
      create table ops_log_levels (
        name text primary key,
        level text not null,
        expires_at timestamptz,
        set_at timestamptz not null default now()
      );

      -- A module's configuration set at run time: environment-style keys over the environment's values.
      create table ops_module_config (
        module text primary key,
        overrides jsonb not null,
        version bigint not null default 1,
        updated_at timestamptz not null default now()
      );

      -- Every change of a module's configuration: the keys, never their values.
      create table ops_config_changes (
        id bigserial primary key,
        module text not null,
        at timestamptz not null default now(),
        action text not null,
        keys text[] not null,
        hub text not null,
        request_id text
      );
      create index ops_config_changes_module on ops_config_changes (module, id desc);
    `,
  },
];
