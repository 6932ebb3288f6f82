import type { Queryable } from '../store/db.js';
import { inPlacementOrder, placeDeployments } from '../store/deployment-placement.js';
import { findStormLeaders, scheduleStormFollowUps, type StormLeader } from '../store/storms-repo.js';
import {
  dedupeKey,
  insertEventsAndDeliveries,
  type Accepted,
  type NewEvent,
  type StoredEvent,
  type WriterOptions,
} from './fan-out.js';

/**
 * Stores events and enqueues their deliveries. The common case (no error storms) is one SQL statement, so
 * it needs no explicit transaction: the events, their deliveries and the queue jobs commit together in one
 * round trip; ingested deployments are placed first, in the caller's transaction (deployment-placement.ts).
 * Called only by the bus (bus.ts), which every event enters by. `locksHeld`: the caller's transaction opened with
 * the placing locks (placementLocks).
 */
export async function writeEvents(
  client: Queryable,
  events: NewEvent[],
  options: WriterOptions,
  locksHeld = false,
): Promise<Accepted[]> {
  return inPlacementOrder(events, (batch) => writeBatch(client, batch, options, locksHeld));
}

async function writeBatch(
  client: Queryable,
  events: NewEvent[],
  options: WriterOptions,
  locksHeld: boolean,
): Promise<Accepted[]> {
  const results: Array<Accepted | undefined> = new Array<Accepted | undefined>(events.length);
  const storms = await findStormLeaders(client, events, options.stormWindowSeconds);

  const fresh: NewEvent[] = [];
  /** Coalesced errors, by event id, and the storm leader each is folded into. */
  const stormOf = new Map<string, StormLeader>();
  const batchKeys = new Map<string, NewEvent>();
  /** Repeats inside this batch, by index, and the batch neighbour they repeat. */
  const repeats = new Map<number, NewEvent>();
  events.forEach((event, index) => {
    const key = dedupeKey(event, options.dedupeWindowSeconds);
    const earlier = key ? batchKeys.get(key) : undefined;
    if (earlier) {
      repeats.set(index, earlier);
      return;
    }
    if (key) batchKeys.set(key, event);
    // With the storm window at 0, storm control is off: not even errors inside one batch are folded.
    if (event.fingerprint && options.stormWindowSeconds > 0) {
      const leader = storms.get(event.fingerprint);
      if (leader) stormOf.set(event.id, leader);
      else storms.set(event.fingerprint, { id: event.id, receivedAt: new Date() });
    }
    fresh.push(event);
  });

  await placeDeployments(client, fresh, options.sameDeploymentWindowSeconds, locksHeld);
  const stored =
    fresh.length > 0
      ? await insertEventsAndDeliveries(client, fresh, stormOf, options.dedupeWindowSeconds)
      : new Map<string, StoredEvent>();
  const notStored = fresh.filter((event) => !stored.has(event.id));
  if (notStored.length > 0) {
    // An earlier request (this batch's neighbour, another replica, the dedupe window) holds the same key or body.
    const earlier = await findEarlier(client, notStored, options.dedupeWindowSeconds);
    for (const event of notStored) {
      results[events.indexOf(event)] = {
        eventId: earlier.get(event.id) ?? event.id,
        duplicate: true,
        stormOf: null,
        deliveries: [],
        receivedAt: null,
        started: [],
      };
    }
  }
  const coalesced = fresh.filter((event) => stored.has(event.id) && stormOf.has(event.id));
  if (coalesced.length > 0)
    await scheduleStormFollowUps(
      client,
      coalesced.map((event) => stormOf.get(event.id)!),
      options,
    );
  for (const event of fresh) {
    const row = stored.get(event.id);
    if (!row) continue;
    const leader = stormOf.get(event.id)?.id ?? null;
    const modules = new Map(event.targets.map((target) => [target.deliveryId, target.module]));
    results[events.indexOf(event)] = {
      eventId: event.id,
      duplicate: false,
      stormOf: leader,
      deliveries: leader ? [] : event.targets.map((target) => ({ id: target.deliveryId, module: target.module })),
      receivedAt: row.receivedAt,
      started: row.started.map((started) => ({ ...started, module: modules.get(started.id)! })),
      ...(event.sameAs ? { sameAs: event.sameAs } : {}),
    };
  }
  // A repeat inside the batch gets whatever its neighbour got, which may itself be an earlier event.
  for (const [index, neighbour] of repeats) {
    const answer = results[events.indexOf(neighbour)]!;
    results[index] = {
      eventId: answer.eventId,
      duplicate: true,
      stormOf: null,
      deliveries: [],
      receivedAt: null,
      started: [],
    };
  }
  return results as Accepted[];
}

/** For requests that turned out to be repeats: the id of the event holding their key. */
async function findEarlier(client: Queryable, events: NewEvent[], windowSeconds: number): Promise<Map<string, string>> {
  const keys = events.map((event) => dedupeKey(event, windowSeconds)).filter((key): key is string => key !== null);
  const rows = await client.query<{ key: string; event_id: string }>(
    'select key, event_id from event_keys where key = any($1)',
    [keys],
  );
  const byKey = new Map(rows.rows.map((row) => [row.key, row.event_id]));
  const found = new Map<string, string>();
  for (const event of events) {
    const id = byKey.get(dedupeKey(event, windowSeconds) ?? '');
    if (id) found.set(event.id, id);
  }
  return found;
}
