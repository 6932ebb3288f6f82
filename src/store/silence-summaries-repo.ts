import type { Queryable } from './db.js';

export interface HeldStillFailing {
  check: string;
  key: string;
  alertStatus: string;
  since: Date | null;
  title: string;
  /** The held transition's own fields (its link and channels). */
  link: string | null;
  slackChannels: string[];
}

/**
 * Inspection keys a silence held a transition of between `from` and `to` that are in alert now, each once (the
 * channels and link of its latest held transition).
 */
export async function heldStillFailing(
  client: Queryable,
  silenceId: string,
  from: Date,
  to: Date,
): Promise<HeldStillFailing[]> {
  const rows = await client.query<{
    check_name: string;
    key: string;
    alert_status: string;
    since: Date | null;
    title: string;
    link: string | null;
    channels: unknown;
  }>(
    `select distinct on (s.check_name, s.key) s.check_name, s.key, s.alert_status, s.since, s.title,
            e.payload->>'link' as link, e.payload->'slackChannels' as channels
     from deliveries d
     join events e on e.id = d.event_id and e.type = 'inspection'
     join inspection_state s on s.check_name = e.payload->>'check' and s.key = e.payload->>'key'
     where d.suppressed_by = $1 and d.created_at >= $2 and d.created_at <= $3 and s.alert_status is not null
     order by s.check_name, s.key, d.created_at desc`,
    [silenceId, from, to],
  );
  return rows.rows.map((row) => ({
    check: row.check_name,
    key: row.key,
    alertStatus: row.alert_status,
    since: row.since,
    title: row.title,
    link: row.link,
    slackChannels: channelsOf(row.channels),
  }));
}

export interface HeldStillErroring {
  application: string | null;
  cluster: string | null;
  count: number;
  firstAt: Date;
  latestAt: Date;
  latestEventId: string;
  latestMessage: string;
  slackChannels: string[];
}

/**
 * Errors a silence held between `from` and `to` (each error once, whichever modules it held it for) that no
 * deployment of the same application to the same cluster followed by `to`, grouped by application and cluster,
 * the latest group first. A removal is not a deployment that mends anything.
 */
export async function heldStillErroring(
  client: Queryable,
  silenceId: string,
  from: Date,
  to: Date,
): Promise<HeldStillErroring[]> {
  const rows = await client.query<{
    application_name: string | null;
    cluster: string | null;
    count: number;
    first_at: Date;
    latest_at: Date;
    latest_id: string;
    latest_message: string | null;
    channels: unknown;
  }>(
    `with held as (
       select distinct e.id, e.received_at, e.application_name, e.cluster, e.payload
       from deliveries d
       join events e on e.id = d.event_id and e.type = 'error'
       where d.suppressed_by = $1 and d.created_at >= $2 and d.created_at <= $3
     ), open as (
       select h.* from held h
       where not exists (
         select 1 from events dep
         where dep.type = 'deployment' and dep.application_name = h.application_name
           and dep.cluster is not distinct from h.cluster
           and dep.received_at > h.received_at and dep.received_at <= $3
           and coalesce(dep.payload->>'removal', 'false') <> 'true'
       )
     )
     select application_name, cluster, count(*)::int as count, min(received_at) as first_at,
            max(received_at) as latest_at,
            (array_agg(id order by received_at desc, id desc))[1] as latest_id,
            (array_agg(payload->>'message' order by received_at desc, id desc))[1] as latest_message,
            (array_agg(payload->'slackChannels' order by received_at desc, id desc))[1] as channels
     from open
     group by application_name, cluster
     order by max(received_at) desc`,
    [silenceId, from, to],
  );
  return rows.rows.map((row) => ({
    application: row.application_name,
    cluster: row.cluster,
    count: row.count,
    firstAt: row.first_at,
    latestAt: row.latest_at,
    latestEventId: row.latest_id,
    latestMessage: row.latest_message ?? '',
    slackChannels: channelsOf(row.channels),
  }));
}

/** Closings already looked at, of these silences. */
export async function summarizedClosings(client: Queryable, silenceIds: string[]): Promise<Set<string>> {
  if (silenceIds.length === 0) return new Set();
  const rows = await client.query<{ silence_id: string; closed_at: Date }>(
    'select silence_id, closed_at from silence_summaries where silence_id = any($1::uuid[])',
    [silenceIds],
  );
  return new Set(rows.rows.map((row) => `${row.silence_id}@${row.closed_at.toISOString()}`));
}

/** Takes a closing for this run; false when another run (a replica, an earlier tick) took it. */
export async function claimClosing(client: Queryable, silenceId: string, closedAt: Date): Promise<boolean> {
  const rows = await client.query(
    `insert into silence_summaries (silence_id, closed_at) values ($1, $2) on conflict do nothing returning silence_id`,
    [silenceId, closedAt],
  );
  return (rows.rowCount ?? 0) > 0;
}

/** A held event's `slackChannels` as stored (JSON): its strings, or none. */
function channelsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((channel): channel is string => typeof channel === 'string') : [];
}
