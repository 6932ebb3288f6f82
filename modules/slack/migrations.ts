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
  {
    id: '002-channel-turns',
    sql: `
      -- Each channel's share of Slack's chat.postMessage limit, as a token bucket every replica takes from:
      -- a burst of tokens, refilled one per pace interval; held_until keeps the channel quiet after a 429.
      create table slack_channel_pace (
        channel text primary key,
        tokens double precision not null,
        refilled_at timestamptz not null default clock_timestamp(),
        held_until timestamptz
      );

      -- What waits for a channel's turn: roots (deployments, errors, recommendations) and thread replies.
      -- Whoever gets the channel's next turn posts the waiting items, several roots as one digest. A claimed
      -- row (batch_id) is being posted; the claim's batch id travels in the message's metadata, so a claim
      -- whose post may or may not have reached Slack can be looked up in the channel's history.
      create table slack_queue (
        channel text not null,
        item_key text not null,
        kind text not null,
        event_id uuid not null,
        delivery_id uuid not null,
        thread_ts text,
        message jsonb not null,
        line text not null,
        application text,
        queued_at timestamptz not null default clock_timestamp(),
        batch_id uuid,
        batch_kind text,
        claimed_at timestamptz,
        claimed_by uuid,
        claimed_attempt integer,
        -- Posted (alone or in a batch): kept a day so that a late retry cannot queue it again.
        done_at timestamptz,
        primary key (channel, item_key)
      );
      create index slack_queue_batch on slack_queue (batch_id) where batch_id is not null;
      create index slack_queue_line on slack_queue (channel, queued_at, item_key) where batch_id is null;

      -- A deployment announced in a digest: its thread is the digest's, shared with the others in it.
      -- Its replies there name the application, since the thread is not the deployment's alone.
      alter table slack_messages add column digest boolean not null default false;
      alter table slack_messages add column application text;

      -- Slack's id of each channel name we have posted to: conversations.history takes ids only.
      create table slack_channel_ids (
        channel text primary key,
        channel_id text not null
      );
    `,
  },
  {
    // Inspection alerts: a key's escalations and recovery reply in the thread of its alert.
    id: '003-alert-threads',
    sql: `
      create table slack_alert_threads (
        key text primary key,
        alert_event_id uuid not null,
        updated_at timestamptz not null default now()
      );
    `,
  },
  {
    // The notification layer (src/notify) now owns pacing, queues, threads and alert threads for every provider,
    // in its notify_* tables keyed by target. What Slack posted so far moves there as the target `slack`, so
    // threads, pending items and exactly-once claims carry over. The two tables operators and scripts read keep
    // their names, as views of the layer's rows.
    id: '004-notify-layer',
    sql: `
      insert into notify_messages (target, event_id, address, kind, address_id, post_id, message, digest, application, posted_at)
        select 'slack', event_id, channel, kind, channel_id, ts, message, digest, application, posted_at from slack_messages
        on conflict do nothing;
      insert into notify_outcomes (event_id, module, check_event_id, finished, reported_at, first_reported_at)
        select event_id, module, check_event_id, finished, reported_at, first_reported_at from slack_outcomes
        on conflict do nothing;
      insert into notify_replies (target, check_event_id, address, event_id, post_id, posted_at)
        select 'slack', check_event_id, channel, event_id, ts, posted_at from slack_replies on conflict do nothing;
      insert into notify_pace (target, address, tokens, refilled_at, held_until)
        select 'slack', channel, tokens, refilled_at, held_until from slack_channel_pace on conflict do nothing;
      insert into notify_queue (target, address, item_key, kind, event_id, delivery_id, thread_id, message, line, application,
                                queued_at, batch_id, batch_kind, claimed_at, claimed_by, claimed_attempt, done_at)
        select 'slack', channel, item_key, kind, event_id, delivery_id, thread_ts, message, line, application,
               queued_at, batch_id, batch_kind, claimed_at, claimed_by, claimed_attempt, done_at from slack_queue
        on conflict do nothing;
      insert into notify_address_ids (target, address, address_id)
        select 'slack', channel, channel_id from slack_channel_ids on conflict do nothing;
      insert into notify_alert_threads (target, key, alert_event_id, updated_at)
        select 'slack', key, alert_event_id, updated_at from slack_alert_threads on conflict do nothing;
      drop table slack_messages, slack_outcomes, slack_replies, slack_channel_pace, slack_queue, slack_channel_ids,
        slack_alert_threads;

      -- Slack's words over the layer's rows (simple views: updatable where a script needs it).
      create view slack_messages as
        select event_id, address as channel, kind, address_id as channel_id, post_id as ts, message, digest, application,
               posted_at
        from notify_messages where target = 'slack';
      create view slack_queue as
        select address as channel, item_key, kind, event_id, delivery_id, thread_id as thread_ts, message, line,
               application, queued_at, batch_id, batch_kind, claimed_at, claimed_by, claimed_attempt, done_at
        from notify_queue where target = 'slack';
    `,
  },
];
