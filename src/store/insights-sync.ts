import type { Db, Queryable } from './db.js';

/**
 * Keeps the insights tables (migration 009-insights) up to date with `events`, from the read side: every
 * insights read, the weekly summary and the hourly prune call `syncInsights` first, so ingest pays nothing.
 *
 * 1. Copy: events received since the last copy (less a margin) that matter to the measures become
 *    `insight_facts` rows: deployments (not a removal: replicas > 0, or text such as "global"), removals,
 *    error reports naming an application (a storm's closing summary repeats earlier reports and is left out), and `alert`/`recovered` transitions of inspections whose
 *    dimensions name an application. A second source's report of a deployment (stored with the first report as
 *    its parent, see deployment-placement.ts) is the same deployment and is not copied.
 * 2. Outcomes: for each application with new facts, `insight_deployments` is recomputed from the earliest
 *    deployment the new facts can change (see `RECOMPUTE_FROM`), and `insight_days` from that day; the rest is
 *    final and left alone.
 *
 * The copy reads by arrival time, so an event must be committed within COPY_MARGIN of its received_at to be
 * seen (an ingest commits in milliseconds). Rows written straight into `events` with an older received_at
 * after a copy has passed that time are not seen; the hub never does that.
 */
const COPY_MARGIN = '10 minutes';

/** One copier at a time across replicas; a reader waits for the one running, then finds little left. */
const LOCK = 'alvares:insights-sync';

// $1: where the copy starts. A parameter, not a join with insight_sync: with it PostgreSQL reads the range from
// the events_received_at index (a join made it scan every event, 600 ms at 118,000 events).
const COPY_FACTS = `
  with source as (
    select e.id, e.type, e.received_at, e.payload, e.team, e.parent_id,
      case when e.type = 'inspection' then e.payload->'dimensions'->>'application' else e.application_name end as application,
      coalesce(case when e.type = 'inspection' then e.payload->'dimensions'->>'cluster' else e.cluster end, '') as cluster
    from events e where e.received_at > $1 and e.type in ('deployment', 'error', 'inspection')
  ), inserted as (
    insert into insight_facts (event_id, kind, at, cluster, application, team, version, created_at, channels, rollback)
    select id,
      case type
        -- removal is in every enriched deployment; replicas decided before sources other than Aspen's JSON existed
        when 'deployment' then case when coalesce((payload->>'removal')::boolean,
          not (jsonb_typeof(payload->'replicas') = 'number' and (payload->>'replicas')::numeric > 0)) then 'removal' else 'deployment' end
        when 'error' then 'error'
        else payload->>'transition' end,
      received_at, cluster, application,
      case when type = 'deployment' then team end,
      case when type = 'deployment' then payload->>'version' end,
      case when type = 'deployment' and payload->>'createdAt' ~ '^\\d{4}-\\d\\d-\\d\\dT' then (payload->>'createdAt')::timestamptz end,
      case when type = 'deployment' and jsonb_typeof(payload->'slackChannels') = 'array' then array(select jsonb_array_elements_text(payload->'slackChannels')) end,
      type = 'deployment' and coalesce((payload->>'rollback')::boolean, false)
    from source
    where application is not null
      and ((type = 'deployment' and parent_id is null)
        or (type = 'error' and not payload ? 'repeats')
        or (type = 'inspection' and payload->>'transition' in ('alert', 'recovered')))
    on conflict (event_id) do nothing
    returning cluster, application, at, rollback
  )
  select cluster, application, min(at) as since, count(*)::int as facts, bool_or(rollback) as rollback
  from inserted group by cluster, application`;

/**
 * Where an application's outcomes must be recomputed from, given new facts from `since` on: a deployment less
 * than 24 h before them (its failure window may hold them), and a failure not restored until 24 h before them
 * (a recovery or a next deployment may restore it, or a next deployment that restored it may now have failed),
 * and with a rollback among them, the last deployment before them (the one a rollback replaced, whatever its age).
 * Anything earlier is final: its window closed and its restore is older than anything the new facts can change.
 */
const RECOMPUTE_FROM = `
  select d.cluster, d.application, least(d.since, (
      select min(o.at) from insight_deployments o
      where o.cluster = d.cluster and o.application = d.application
        and (o.at > d.since - interval '24 hours'
          or (o.failed_at is not null and (o.restored_at is null or o.restored_at > d.since - interval '24 hours')))
    ), case when d.rollback then (
      select max(o.at) from insight_deployments o where o.cluster = d.cluster and o.application = d.application and o.at < d.since
    ) end) as from_at
  from jsonb_to_recordset($1::jsonb) as d(cluster text, application text, since timestamptz, rollback boolean)`;

/** `2026-12-07 08:00:00.123456 <uuid>`: sorts by time, then id, so min() picks the earliest fact and names it. */
const KEY = `to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' ' || event_id`;
const KEY_AT = (key: string) => `(left(${key}, 26)::timestamp at time zone 'UTC')`;
const KEY_ID = (key: string) => `substr(${key}, 28)::uuid`;

/**
 * The outcome of every counted deployment from each application's `from_at`, from the facts in arrival order:
 * - a deployment repeats the deployment or removal before it when version and created are the same (a replay
 *   or resend); repeats and removals are not counted;
 * - the facts after a counted deployment, up to the next counted one, are its group; the first error report
 *   or alert within 24 h of it is its failure;
 * - a failure is restored by the first `recovered` after it, or by the first later deployment without a
 *   failure of its own, whichever comes first;
 * - a deployment followed by a rollback (the next counted deployment is marked `rollback`) failed: at its first
 *   failure report when it had one, else when it was deployed (the change itself was the failure), by the
 *   rollback; the rollback restores it unless something restored it earlier.
 */
const RECOMPUTE = `
  with starts as (
    select * from jsonb_to_recordset($1::jsonb) as s(cluster text, application text, from_at timestamptz)
  ), stream as (
    select f.*, s.from_at from starts s join insight_facts f on f.cluster = s.cluster and f.application = s.application and f.at >= s.from_at
    union all
    select p.*, s.from_at from starts s cross join lateral (
      select * from insight_facts f where f.cluster = s.cluster and f.application = s.application
        and f.kind in ('deployment', 'removal') and f.at < s.from_at
      order by f.at desc, f.event_id desc limit 1) p
  ), marked as (
    select *, kind = 'deployment' and not coalesce(lag(kind) over w = 'deployment' and lag(version) over w is not distinct from version
        and lag(created_at) over w is not distinct from created_at, false) as counted
    from stream where kind in ('deployment', 'removal')
    window w as (partition by cluster, application order by at, event_id)
  ), merged as (
    select event_id, 'deploy' as k, at, cluster, application, team, created_at, from_at, rollback from marked where counted
    union all
    select event_id, kind, at, cluster, application, null, null, from_at, false from stream where kind in ('error', 'alert', 'recovered')
  ), grouped as (
    select m.*, count(*) filter (where k = 'deploy') over w as grp, max(at) filter (where k = 'deploy') over w as deploy_at, ${KEY} as key
    from merged m window w as (partition by cluster, application order by at, k <> 'deploy', event_id)
  ), flagged as (
    select g.*, failure, max(case when failure then at end) over w as last_failure
    from grouped g, lateral (select g.k in ('error', 'alert') and g.at < g.deploy_at + interval '24 hours' as failure) f
    where grp > 0
    window w as (partition by cluster, application order by at, k <> 'deploy', event_id)
  ), per_deploy as (
    select cluster, application, grp, min(from_at) as from_at,
      min(key) filter (where k = 'deploy') as deploy_key,
      min(at) filter (where k = 'deploy') as at,
      max(team) filter (where k = 'deploy') as team,
      max(created_at) filter (where k = 'deploy') as created_at,
      bool_or(rollback) filter (where k = 'deploy') as rollback,
      min(key) filter (where failure) as failure_key,
      min(key) filter (where k = 'recovered' and last_failure >= deploy_at) as recovery_key,
      min(key) filter (where k = 'recovered') as first_recovery_key
    from flagged group by cluster, application, grp
  ), restored as (
    select p.*,
      min(deploy_key) filter (where failure_key is null) over r as next_ok_key,
      min(first_recovery_key) over r as later_recovery_key,
      lead(deploy_key) over n as next_key,
      coalesce(lead(rollback) over n, false) as rolled_back
    from per_deploy p
    window r as (partition by cluster, application order by at desc rows between unbounded preceding and 1 preceding),
      n as (partition by cluster, application order by at, deploy_key)
  ), outcome as (
    select *,
      coalesce(failure_key, case when rolled_back then left(deploy_key, 26) || ' ' || substr(next_key, 28) end) as failed_key,
      case when failure_key is not null or rolled_back
        then least(recovery_key, later_recovery_key, next_ok_key, case when rolled_back then next_key end) end as restore_key
    from restored where at >= from_at
  )
  insert into insight_deployments (event_id, cluster, application, team, at, lead_ms, failed_at, failed_by, restored_at, restored_by)
  select ${KEY_ID('deploy_key')}, cluster, application, team, at,
    case when created_at <= at then extract(epoch from at - created_at) * 1000 end,
    ${KEY_AT('failed_key')}, ${KEY_ID('failed_key')}, ${KEY_AT('restore_key')}, ${KEY_ID('restore_key')}
  from outcome`;

export interface SyncResult {
  /** Facts copied from events by this call. */
  facts: number;
  /** Applications whose outcomes were recomputed. */
  applications: number;
}

/** Copies new events into the insights tables and recomputes what they change; one caller at a time. */
export async function syncInsights(db: Db): Promise<SyncResult> {
  const result = await db.transaction(async (client): Promise<SyncResult> => {
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [LOCK]);
    await client.query(LOCAL_SETTINGS);
    // As text: '-infinity' before the first copy, which a Date cannot hold.
    const bound = await client.query<{ since: string }>(
      `select (synced_until - interval '${COPY_MARGIN}')::text as since from insight_sync`,
    );
    const copied = await client.query<{
      cluster: string;
      application: string;
      since: Date;
      facts: number;
      rollback: boolean;
    }>(COPY_FACTS, [bound.rows[0]!.since]);
    // The transaction's start: anything received later is read again next time (within the margin).
    await client.query('update insight_sync set synced_until = greatest(synced_until, now())');
    if (copied.rows.length === 0) return { facts: 0, applications: 0 };
    await recompute(client, copied.rows);
    return { facts: copied.rows.reduce((sum, row) => sum + row.facts, 0), applications: copied.rows.length };
  });
  // After a catch-up (the first read after an upgrade, say) the planner must know the tables are no longer empty
  // (it planned for 1 row where there were 100,000), and reads want the visibility map for index-only scans.
  // VACUUM cannot run inside the copy's transaction; autovacuum would get there, later.
  if (result.facts >= VACUUM_AFTER) await db.query('vacuum (analyze) insight_facts, insight_deployments, insight_days');
  return result;
}

/**
 * For every insights statement, in its transaction: sorts of 100,000 rows in memory rather than on disk, and
 * no JIT, whose compiling (500 ms, measured on PostgreSQL 15) cost more than the statements it would speed up.
 */
export const LOCAL_SETTINGS = `set local work_mem = '64MB'; set local jit = off`;
const VACUUM_AFTER = 10_000;

async function recompute(
  client: Queryable,
  dirty: Array<{ cluster: string; application: string; since: Date; rollback: boolean }>,
): Promise<void> {
  const starts = await client.query<{ cluster: string; application: string; from_at: Date }>(RECOMPUTE_FROM, [
    JSON.stringify(dirty),
  ]);
  const json = JSON.stringify(starts.rows);
  await client.query(
    `delete from insight_deployments o using jsonb_to_recordset($1::jsonb) as s(cluster text, application text, from_at timestamptz)
     where o.cluster = s.cluster and o.application = s.application and o.at >= s.from_at`,
    [json],
  );
  await client.query(RECOMPUTE, [json]);
  // The days the recomputed outcomes fall on, whole (earlier outcomes of the first day were kept above).
  await client.query(
    `with starts as (
       select cluster, application, floor(date_part('epoch', from_at) / 86400)::int as first_day
       from jsonb_to_recordset($1::jsonb) as s(cluster text, application text, from_at timestamptz)
     ), removed as (
       delete from insight_days d using starts s where d.cluster = s.cluster and d.application = s.application and d.day >= s.first_day
     )
     insert into insight_days (cluster, application, team, day, deployments, failed)
     select o.cluster, o.application, o.team, floor(date_part('epoch', o.at) / 86400)::int as day, count(*), count(o.failed_at)
     from starts s join insight_deployments o on o.cluster = s.cluster and o.application = s.application
       and o.at >= to_timestamp(s.first_day * 86400::double precision)
     group by o.cluster, o.application, o.team, day`,
    [json],
  );
}
