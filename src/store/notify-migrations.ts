import type { Migration } from './migrate.js';

/**
 * The notification layer's tables, shared by every provider and keyed by target (a named destination of one
 * provider), so that pacing, digests, threads and exactly-once work the same for each.
 */
export const NOTIFY_MIGRATIONS: readonly Migration[] = [
  {
    id: 'notify-001-layer',
    sql: `
      -- One row per event, target and address posted to: a retried delivery skips the addresses already done,
      -- and a deployment's row is its thread root (the service's address id and post id), kept across restarts.
      create table notify_messages (
        target text not null,
        event_id uuid not null,
        address text not null,
        kind text not null,
        address_id text,
        post_id text,
        message jsonb not null,
        digest boolean not null default false,
        application text,
        posted_at timestamptz not null default now(),
        primary key (target, event_id, address)
      );

      -- The latest outcome of each module for a deployment: the roots' status lines are built from these.
      create table notify_outcomes (
        event_id uuid not null,
        module text not null,
        check_event_id uuid not null,
        finished jsonb not null,
        reported_at timestamptz not null,
        first_reported_at timestamptz not null default now(),
        primary key (event_id, module)
      );

      -- Replies posted per finished check, target and address, so a retried check.finished does not post twice.
      create table notify_replies (
        target text not null,
        check_event_id uuid not null,
        address text not null,
        event_id uuid not null,
        post_id text,
        posted_at timestamptz not null default now(),
        primary key (target, check_event_id, address)
      );

      -- Each address's share of its service's limit, as a token bucket every replica takes from: a burst of
      -- tokens, refilled one per pace interval; held_until keeps the address quiet after a 429.
      create table notify_pace (
        target text not null,
        address text not null,
        tokens double precision not null,
        refilled_at timestamptz not null default clock_timestamp(),
        held_until timestamptz,
        primary key (target, address)
      );

      -- What waits for an address's turn: roots and thread replies. Whoever gets the next turn posts the
      -- waiting items, several roots as one digest. A claimed row (batch_id) is being posted; the batch id
      -- travels in the post's metadata, so a claim of unknown fate can be looked up at the service.
      create table notify_queue (
        target text not null,
        address text not null,
        item_key text not null,
        kind text not null,
        event_id uuid not null,
        delivery_id uuid not null,
        thread_id text,
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
        primary key (target, address, item_key)
      );
      create index notify_queue_batch on notify_queue (batch_id) where batch_id is not null;
      create index notify_queue_line on notify_queue (target, address, queued_at, item_key) where batch_id is null;

      -- The service's id of each address we have posted to: lookups take ids only.
      create table notify_address_ids (
        target text not null,
        address text not null,
        address_id text not null,
        primary key (target, address)
      );

      -- Alerts: a key's escalations and recovery reply in the thread of its alert.
      create table notify_alert_threads (
        target text not null,
        key text not null,
        alert_event_id uuid not null,
        updated_at timestamptz not null default now(),
        primary key (target, key)
      );
    `,
  },
  {
    id: 'notify-002-settings',
    sql: `
      -- Routes (and later targets and templates) as plain JSON, validated before they are stored; every replica
      -- re-reads them within seconds.
      create table notify_settings (
        name text primary key,
        value jsonb not null,
        updated_by text not null,
        updated_at timestamptz not null default now()
      );
      -- Every change: who, when, before and after (routes hold no secrets).
      create table notify_changes (
        id bigserial primary key,
        at timestamptz not null default now(),
        who text not null,
        name text not null,
        before jsonb,
        after jsonb
      );
    `,
  },
  {
    id: 'notify-003-targets',
    sql: `
      -- Targets added at run time, beside the ones the environment makes: a provider and its settings, validated
      -- by the provider's schema before they are stored. Secrets are kept here and never read back over HTTP.
      create table notify_targets (
        name text primary key,
        provider text not null,
        settings jsonb not null,
        version bigint not null default 1,
        updated_by text not null,
        updated_at timestamptz not null default now()
      );
      `,
  },
  {
    id: 'notify-004-fallback',
    sql: `
      -- A route's fallback: when a target's delivery goes dead, the fallback's module gets one more delivery of the
      -- same event, standing in for the dead one (fallback_for; fallback_from: the dead one's module, so the
      -- stand-in's claim needs no join; fallback_reason: in words, for the page). An event still has one delivery
      -- per module of its own; a stand-in is unique per dead delivery and module, which is what keeps a second
      -- dead end (a replay that fails again) from sending twice. NULLS NOT DISTINCT (PostgreSQL 15) keeps the old
      -- rule for the deliveries of its own, and the index's leading columns serve the same lookups as before.
      -- No foreign key: both rows belong to one event and go with it, and a key would make every delete of a
      -- delivery (retention) look for stand-ins without an index.
      alter table deliveries add column fallback_for uuid;
      alter table deliveries add column fallback_from text;
      alter table deliveries add column fallback_reason text;
      alter table deliveries drop constraint deliveries_event_id_module_key;
      alter table deliveries add constraint deliveries_event_module_fallback
        unique nulls not distinct (event_id, module, fallback_for);
    `,
  },
];
