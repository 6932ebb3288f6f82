import type { Migration } from './migrate.js';

/**
 * The configuration file's bookkeeping: which live objects a file owns (so an API write to one is refused and
 * an object removed from the file is removed from the live configuration), the hash last applied (so replicas
 * applying the same file do the work once), and each replica's hash and reload problem on its heartbeat row.
 */
export const CONFIG_FILE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'config-file-001-ownership',
    sql: `
      -- kind: routes, template, silence, check, parameter, module; key: the object's identity within its kind.
      -- digest: the file's text of the object, hashed (a silence is recreated only when its text changed);
      -- ref: what the object is called in its own table when that differs (a silence's id).
      create table config_owned (
        kind text not null,
        key text not null,
        file text not null,
        digest text not null,
        ref text,
        updated_at timestamptz not null default now(),
        primary key (kind, key)
      );
      create table config_applied (
        id integer primary key default 1 check (id = 1),
        hash text not null,
        file text not null,
        applied_at timestamptz not null default now()
      );
      alter table hub_instances
        add column config_hash text,
        add column config_file text,
        add column config_problem text;
    `,
  },
];
