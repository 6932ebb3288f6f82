import pg from 'pg';
import type { Deployment } from '../events/enrich.js';
import { looseSemver, rollbackFrom } from '../events/rollback.js';
import type { Queryable } from './db.js';

/** The part of an event to store (event-writer's NewEvent) that placing reads and sets. */
export interface PlaceableEvent {
  type: string;
  payload: unknown;
  ingestSource?: string | null;
  parentId: string | null;
  targets: unknown[];
  sameAs?: string;
}

/**
 * Where an ingested deployment stands among the application's deployments on its cluster, decided as it is
 * stored, under a lock per application and cluster (so two replicas agree):
 *
 * - The same deployment reported by another source (application, cluster and version, or a removal, alike)
 *   within `windowSeconds` of the first report is one deployment: the later report is stored with the first as
 *   its parent and no deliveries, so it is not fanned out again and the measures do not count it twice.
 * - Otherwise the deployment is compared with the latest one (see src/events/rollback.ts): a rollback is marked
 *   `rollback: true` with `rolledBackFrom`. A source that says it rolled back (CDEvents `service.rolledback`)
 *   is a rollback whatever the versions; `rolledBackFrom` is then the running version if it differs.
 *
 * Needs the caller's transaction: the advisory locks (placementLocks) last until its commit. Deployments of one application and
 * cluster in one batch are placed one statement after another (see writeEvents), so each sees the one before.
 */
export async function placeDeployments(
  client: Queryable,
  events: PlaceableEvent[],
  windowSeconds: number,
  locksHeld = false,
): Promise<void> {
  const placed = events.filter(needsPlacement);
  if (placed.length === 0) return;
  const inputs = placed.map((event, i) => {
    const deployment = event.payload as Deployment;
    return {
      i,
      application: deployment.applicationName,
      cluster: deployment.cluster,
      version: deployment.version,
      removal: deployment.removal,
      source: event.ingestSource,
      semver: deployment.version !== null && looseSemver(deployment.version) !== null,
      told: deployment.rollback,
    };
  });
  // `locksHeld`: the caller took them with its BEGIN (the bus's ingest batches), a round trip saved per batch.
  if (!locksHeld) await client.query(placementLocks(placed)!);
  // Prepared by name: PLACE takes milliseconds to plan and nothing in its plan depends on the values, which come
  // in as one JSON document; a generic plan saves that on every batch.
  const rows = await client.query<{
    i: number;
    same_as: string | null;
    current_version: string | null;
    current_removal: boolean | null;
    seen_before: boolean;
  }>({ name: 'alvares:place-deployments', text: PLACE, values: [JSON.stringify(inputs), windowSeconds] });
  for (const row of rows.rows) {
    const event = placed[row.i]!;
    if (row.same_as) {
      event.parentId = row.same_as;
      event.targets = [];
      event.sameAs = row.same_as;
      continue;
    }
    const deployment = event.payload as Deployment;
    const before = {
      version: row.current_version,
      removed: row.current_removal === true,
      seenBeforeCurrent: row.seen_before,
    };
    if (deployment.rollback) {
      const from = before.version !== null && before.version !== deployment.version ? before.version : null;
      event.payload = { ...deployment, rolledBackFrom: from };
      continue;
    }
    const from = deployment.removal ? null : rollbackFrom(deployment.version, before);
    if (from !== null) event.payload = { ...deployment, rollback: true, rolledBackFrom: from };
  }
}

/**
 * Writes `events` with `write`, a second deployment of one application and cluster in a later call than the
 * first (and so on), so each is placed after the one before it is written: linked to it, or compared with it.
 * Answers in the order of `events`.
 */
export async function inPlacementOrder<E extends PlaceableEvent, T>(
  events: E[],
  write: (batch: E[]) => Promise<T[]>,
): Promise<T[]> {
  const seen = new Set<string>();
  const later = new Set<number>();
  events.forEach((event, index) => {
    if (!needsPlacement(event)) return;
    const key = placementKey(event);
    if (seen.has(key)) later.add(index);
    seen.add(key);
  });
  if (later.size === 0) return write(events);
  const first = await write(events.filter((_, index) => !later.has(index)));
  const rest = await inPlacementOrder(
    events.filter((_, index) => later.has(index)),
    write,
  );
  return events.map((_, index) => (later.has(index) ? rest.shift()! : first.shift()!));
}

/**
 * The statement taking the locks placing `events` needs, one per application and cluster, in one order (so two
 * batches never wait on each other crosswise); null when nothing needs placing. Without parameters, so the bus can
 * send it with the transaction's BEGIN in one round trip: the keys are quoted as literals.
 */
export function placementLocks(events: PlaceableEvent[]): string | null {
  const keys = [...new Set(events.filter(needsPlacement).map(placementKey))].sort();
  if (keys.length === 0) return null;
  const locks = keys.map((key) => `pg_advisory_xact_lock(hashtext(${pg.escapeLiteral(`alvares:deployment:${key}`)}))`);
  return `select ${locks.join(', ')}`;
}

/** What a deployment is placed among (and locked by): its application and cluster. */
function placementKey(event: PlaceableEvent): string {
  const deployment = event.payload as Deployment;
  return `${deployment.applicationName}\n${deployment.cluster ?? ''}`;
}

/** Ingested deployments (an adapter named their source); derived events are not placed. */
export function needsPlacement(event: PlaceableEvent): boolean {
  return event.type === 'deployment' && typeof event.ingestSource === 'string';
}

// The deployments of one application and cluster, newest first: the events_placed_deployment index
// (application_name, coalesce(cluster, ''), received_at desc, id desc) where type = 'deployment' and parent_id is
// null, which answers "the latest" from its first entry. Second reports (parent_id set) are never a deployment of
// their own.
const SAME_APP = `e.type = 'deployment' and e.parent_id is null and e.application_name = r.application
  and coalesce(e.cluster, '') = coalesce(r.cluster, '')`;
// The deployments of one application and version: the events_deployment_version index. The cluster is a filter
// here, written so that it does not match the index above: the planner then cannot take that one and read every
// deployment of the application in the window (which it did on fresh statistics).
const SAME_VERSION = (version: string) => `e.type = 'deployment' and e.parent_id is null
  and e.application_name = r.application and e.payload->>'version' = ${version}
  and e.cluster is not distinct from r.cluster`;
const REMOVAL = `coalesce((e.payload->>'removal')::boolean, false)`;
/** What semver's loose parse takes, near enough to skip the history for two such versions. */
const SEMVER = String.raw`^\s*[v=]?\s*\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?\s*$`;

/** The placing statement; exported so a test can read its plan over a long history. */
export const PLACE = `
  select r.i,
    -- Two lookups, not one with a CASE inside: the version's is then a plain equality the events_deployment_version
    -- index serves, instead of every deployment of the application in the window being read on each ingest.
    case when $2::int > 0 then coalesce((
      select e.id from events e
      where not r.removal and ${SAME_VERSION('r.version')} and not ${REMOVAL}
        and e.received_at > now() - make_interval(secs => $2::int) and coalesce(e.source, 'aspen') <> r.source
      order by e.received_at, e.id limit 1), (
      select e.id from events e
      where r.removal and ${SAME_APP} and ${REMOVAL}
        and e.received_at > now() - make_interval(secs => $2::int) and coalesce(e.source, 'aspen') <> r.source
      order by e.received_at, e.id limit 1)) end as same_as,
    cur.version as current_version, cur.removal as current_removal,
    -- Only asked when it decides something: two semantic versions are compared as such (src/events/rollback.ts).
    case when r.told or r.version is null or cur.version is null or cur.removal or r.version = cur.version
           or (r.semver and cur.version ~ '${SEMVER}') then false
      else exists (
        select 1 from events e where ${SAME_VERSION('r.version')} and not ${REMOVAL}
          and e.received_at < (
            select min(e.received_at) from events e where ${SAME_VERSION('cur.version')} and not ${REMOVAL}))
    end as seen_before
  from jsonb_to_recordset($1::jsonb)
    as r(i int, application text, cluster text, version text, removal boolean, source text, semver boolean, told boolean)
  left join lateral (
    select e.payload->>'version' as version, ${REMOVAL} as removal from events e
    where ${SAME_APP} order by e.received_at desc, e.id desc limit 1
  ) cur on true
  order by r.i`;
