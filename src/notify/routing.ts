import type { NotifyKind } from './silence.js';
import type { HubEvent } from '../events/types.js';

/**
 * Where a target's messages go when no routes are stored: today's rules, the same for every provider.
 * `override` (Slack: SLACK_CHANNEL_OVERRIDE) takes everything and nothing goes elsewhere; `always`
 * (SLACK_CHANNELS) hears of every deployment and of what names no address; `allowed` (SLACK_ALLOWED_CHANNELS)
 * keeps addresses a payload names to a list of names and `*`/`?` patterns. The configured addresses are
 * always allowed: the list is about what a payload names.
 */
export interface TargetRouting {
  override: string[];
  always: string[];
  allowed: string[];
  /** The provider's spelling of addresses (Slack: "#name" lower-cased, ids as they are), without duplicates. */
  normalise(values: readonly string[]): string[];
  /**
   * The kinds the default routing sends to this target; absent: every kind. Mail is for what needs reading
   * (errors, alerts, the weekly summary), not for every deployment; stored routes can still send any kind.
   */
  kinds?: readonly NotifyKind[];
}

/** Where a message goes, and the addresses the payload named that the allow-list kept it out of. */
export interface Route {
  addresses: string[];
  dropped: string[];
}

type Transition = HubEvent<'inspection'>['payload'];

/**
 * The addresses an event names itself. The payload field is `slackChannels` (Aspen's name, kept as input); to
 * the layer they are simply the event's own addresses, for whichever target routes with `"payload"`.
 */
export function namedAddresses(payload: { slackChannels?: readonly string[] | null }): readonly string[] {
  return payload.slackChannels ?? [];
}

function patternMatches(pattern: string, address: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === address;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(address);
}

/** Keeps the addresses the allow-list allows (all of them when it is empty); configured addresses always pass. */
export function allowAddresses(routing: TargetRouting, addresses: readonly string[]): Route {
  if (routing.allowed.length === 0) return { addresses: [...addresses], dropped: [] };
  const trusted = new Set([...routing.normalise(routing.always), ...routing.normalise(routing.override)]);
  const route: Route = { addresses: [], dropped: [] };
  for (const address of addresses) {
    const ok = trusted.has(address) || routing.allowed.some((pattern) => patternMatches(pattern, address));
    (ok ? route.addresses : route.dropped).push(address);
  }
  return route;
}

/** The original's rule: the override alone when set; else the always-told addresses plus the deployment's own. */
export function addressesForDeployment(routing: TargetRouting, named: readonly string[]): string[] {
  if (routing.override.length > 0) return routing.normalise(routing.override);
  return routing.normalise([...routing.always, ...named]);
}

/** Errors: the override; else the error's own addresses; else the always-told ones, so no error goes unseen. */
export function addressesForError(routing: TargetRouting, named: readonly string[]): string[] {
  if (routing.override.length > 0) return routing.normalise(routing.override);
  const own = routing.normalise(named);
  return own.length > 0 ? own : routing.normalise(routing.always);
}

/** Recommendations are for one team: their own addresses only (the override still wins). */
export function addressesForRecommendation(routing: TargetRouting, named: readonly string[]): string[] {
  if (routing.override.length > 0) return routing.normalise(routing.override);
  return routing.normalise(named);
}

/**
 * Alerts: the deployment's addresses plus the always-told ones for endpoint health, the check's own for
 * external checks (the always-told ones when it has none), the always-told ones otherwise. The override wins.
 */
export function addressesForTransition(routing: TargetRouting, t: Transition): string[] {
  if (routing.override.length > 0) return routing.normalise(routing.override);
  const own = routing.normalise(namedAddresses(t));
  if (t.kind === 'external') return own.length > 0 ? own : routing.normalise(routing.always);
  return [...new Set([...own, ...routing.normalise(routing.always)])];
}

type Weekly = HubEvent<'insights.weekly'>['payload'];

/** Who gets which weekly summary: `null` is the overall one, a team's name that team's. */
export interface WeeklyRoute {
  sends: Array<{ address: string; team: string | null }>;
  dropped: string[];
}

/**
 * The override alone gets the overall summary (it means "here and nowhere else", and every team's message there
 * would be noise). Otherwise the always-told addresses get the overall summary and each team's addresses (those
 * its deployments named that contain its name, kept to the allow-list) get the team's. An address gets one
 * message: the overall one if it is always told, else its first team's.
 */
export function addressesForWeekly(routing: TargetRouting, summary: Weekly): WeeklyRoute {
  if (routing.override.length > 0)
    return { sends: routing.normalise(routing.override).map((address) => ({ address, team: null })), dropped: [] };
  const sends: WeeklyRoute['sends'] = routing.normalise(routing.always).map((address) => ({ address, team: null }));
  const dropped: string[] = [];
  for (const team of summary.teams) {
    const route = allowAddresses(routing, routing.normalise(namedAddresses(team)));
    dropped.push(...route.dropped);
    for (const address of route.addresses)
      if (!sends.some((send) => send.address === address)) sends.push({ address, team: team.team });
  }
  return { sends, dropped: [...new Set(dropped)] };
}
