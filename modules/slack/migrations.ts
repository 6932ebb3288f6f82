import type { Migration } from '../../src/module-api.js';

export const MIGRATIONS: readonly Migration[] = [
  {
    id: '001-threads',
    sql: `
      -- One row per event and channel posted to: a retried delivery skips the channels already done, and a
      -- deployment's row is its thread root (channel id and ts), kept here so threads survive restarts.
      create table slack_messages (
        event_id uuid not null,
        channel text not null,
        kind text not null,
        channel_id text,
        ts text,
        message jsonb not null,
        posted_at timestamptz not null default now(),
        primary key (event_id, channel)
      );

      -- The latest outcome of each module for a deployment: the root's status line is built from these.
      create table slack_outcomes (
        event_id uuid not null,
        module text not null,
        check_event_id uuid not null,
        finished jsonb not null,
        reported_at timestamptz not null,
        first_reported_at timestamptz not null default now(),
        primary key (event_id, module)
      );

      -- Replies posted per finished check and channel, so a retried check.finished does not post twice.
      create table slack_replies (
        check_event_id uuid not null,
        channel text not null,
        event_id uuid not null,
        ts text,
        posted_at timestamptz not null default now(),
        primary key (check_event_id, channel)
      );
    `,
  },
];
