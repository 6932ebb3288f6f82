import type { RouteBook } from './route-book.js';
import { evaluateRoutes, type EventFacts } from './routes.js';
import {
  addressesForWeekly,
  allowAddresses,
  namedAddresses,
  type Route,
  type TargetRouting,
  type WeeklyRoute,
} from './routing.js';
import type { NotifyKind } from './silence.js';
import type { EventType, HubEvent } from '../events/types.js';

/**
 * A route to addresses, and (with stored routes) which route chose each address, the fallback target of the send
 * that chose it, and the targets whose sends this target carried in their place.
 */
export type ChosenRoute = Route & {
  chosenBy?: Record<string, string>;
  payloadRequested?: boolean;
  fallbackOf?: Record<string, string>;
  standingIn?: string[];
};

/**
 * Which of the routes' sends a target carries: its own (unless it only stands in), and those of the targets it
 * stands in for whose send names it as `fallback` (a dead delivery's, or a module that was off).
 */
export interface Carrying {
  own: boolean;
  standIn: readonly string[];
}
const OWN: Carrying = { own: true, standIn: [] };

/** What an event is matched on: its kind as said, and the team, application, cluster it is tied to. */
export function factsOf(type: EventType, kind: NotifyKind, payload: unknown): EventFacts {
  const p = payload as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  if (type === 'inspection') {
    const t = payload as HubEvent<'inspection'>['payload'];
    return {
      kind,
      team: text(t.dimensions.team),
      application: text(t.dimensions.application),
      cluster: text(t.dimensions.cluster),
      importance: null,
      status: t.status,
    };
  }
  return {
    kind,
    team: text(p.team),
    application: text(p.applicationName),
    cluster: text(p.cluster),
    importance: text(p.importance),
    status: null,
  };
}

/** Kinds whose events may carry no team of their own: they are routed as their application's team. */
const TEAM_FROM_APPLICATION = new Set<NotifyKind>(['error', 'recommendation']);

/**
 * The facts with a team filled in where the event has none: an error or recommendation naming an application
 * takes the team of that application's latest deployment. Looked up only when a stored route matches on team,
 * so the default routing costs no query.
 */
export async function completeFacts(
  hooks: {
    routes: RouteBook | null;
    teamOfApplication(application: string, cluster: string | null): Promise<string | null>;
  },
  facts: EventFacts,
): Promise<EventFacts> {
  if (facts.team !== null || facts.application === null || !TEAM_FROM_APPLICATION.has(facts.kind)) return facts;
  const stored = hooks.routes ? await hooks.routes.stored() : null;
  if (!stored?.some((route) => route.match.team)) return facts;
  return { ...facts, team: await hooks.teamOfApplication(facts.application, facts.cluster) };
}

/**
 * Where one target sends an event: with stored routes, the addresses their matching routes name for this target
 * (`"payload"`: the event's own, else `otherwise`); with none, the default rules (`fallback`, today's SLACK_*
 * behaviour). The allow-list filters either way.
 */
export async function chooseAddresses(
  book: RouteBook | null,
  target: string,
  routing: TargetRouting,
  facts: EventFacts,
  payload: { slackChannels?: readonly string[] | null },
  fallback: () => string[],
  carrying: Carrying = OWN,
): Promise<ChosenRoute> {
  const stored = book ? await book.stored() : null;
  if (!stored) {
    if (!carrying.own) return { addresses: [], dropped: [] };
    if (routing.kinds && !routing.kinds.includes(facts.kind)) return { addresses: [], dropped: [] };
    return allowAddresses(routing, fallback());
  }
  const chosenBy: Record<string, string> = {};
  const fallbackOf: Record<string, string> = {};
  const standingIn = new Set<string>();
  const addresses: string[] = [];
  let payloadRequested = false;
  for (const send of evaluateRoutes(stored, facts).sends) {
    const carried = send.fallback === target && carrying.standIn.includes(send.target);
    if (!(carrying.own && send.target === target) && !carried) continue;
    if (carried) standingIn.add(send.target);
    if (send.addresses === 'payload') payloadRequested = true;
    const named = send.addresses === 'payload' ? routing.normalise(namedAddresses(payload)) : [];
    const wanted =
      send.addresses === 'payload'
        ? named.length > 0
          ? named
          : routing.normalise(send.otherwise)
        : routing.normalise(send.addresses);
    for (const address of wanted) {
      if (addresses.includes(address)) continue;
      addresses.push(address);
      chosenBy[address] = send.route;
      if (send.fallback && !carried) fallbackOf[address] = send.fallback;
    }
  }
  return {
    ...allowAddresses(routing, addresses),
    chosenBy,
    payloadRequested,
    ...(Object.keys(fallbackOf).length > 0 ? { fallbackOf } : {}),
    ...(standingIn.size > 0 ? { standingIn: [...standingIn] } : {}),
  };
}

/**
 * The weekly summary's sends. Under the default routing, today's rules; with stored routes, the addresses their
 * matches name get the cluster's summary, and `"payload"` means each team's own addresses, with that team's figures.
 */
export function chooseWeekly(
  chosen: ChosenRoute,
  routing: TargetRouting,
  summary: HubEvent<'insights.weekly'>['payload'],
): WeeklyRoute & { chosenBy?: Record<string, string> } {
  if (!chosen.chosenBy) return addressesForWeekly(routing, summary);
  const teams = addressesForWeekly({ ...routing, override: [], always: [] }, summary);
  const sends: WeeklyRoute['sends'] = chosen.addresses.map((address) => ({ address, team: null }));
  if (chosen.payloadRequested)
    for (const send of teams.sends) if (!sends.some((s) => s.address === send.address)) sends.push(send);
  return { sends, dropped: [...chosen.dropped, ...teams.dropped], chosenBy: chosen.chosenBy };
}
