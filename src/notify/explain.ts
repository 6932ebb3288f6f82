import { chooseAddresses, completeFacts, factsOf } from './choose.js';
import type { NotifyHooks } from './hooks.js';
import type { HubLinks, Rendered } from './provider.js';
import { evaluateRoutes, type RouteDecision } from './routes.js';
import {
  addressesForDeployment,
  addressesForError,
  addressesForRecommendation,
  addressesForTransition,
  addressesForWeekly,
  namedAddresses,
  type TargetRouting,
} from './routing.js';
import { transitionKind, type NotifyKind } from './silence.js';
import type { EventType, HubEvent } from '../events/types.js';

export interface Explanation {
  source: 'default' | 'stored';
  routes: RouteDecision[];
  /** `silencedBy`: the silence that would hold this send now (it would be recorded `suppressed`), or null. */
  sends: Array<{
    target: string;
    address: string;
    kind: NotifyKind;
    route: string;
    text: string;
    silencedBy: string | null;
    /** The target that takes this send over if `target`'s delivery goes dead or its module is off (routes only). */
    fallback?: string;
  }>;
  dropped: Array<{ target: string; address: string }>;
}

type Event = { id: string; type: EventType; payload: unknown };

/**
 * Which silence would hold the event's notification to `target` (delivered by `module`, said as `kind`) now: the
 * rule a delivery and each of its sends are held by.
 */
export type HeldBy = (event: Event, to: { target: string; module: string; kind: NotifyKind }) => string | null;

/** The kind an event is said as, its default addresses and its rendered line; null for types no target tells. */
function sayingOf(
  event: Event,
  routing: TargetRouting,
): {
  kind: NotifyKind;
  fallback: () => string[];
  render: (links: HubLinks) => (r: RenderAll) => Rendered<unknown>;
} | null {
  const p = event.payload;
  switch (event.type) {
    case 'deployment': {
      const d = p as HubEvent<'deployment'>['payload'];
      return {
        kind: d.removal ? 'removal' : 'deployment',
        fallback: () => addressesForDeployment(routing, namedAddresses(d)),
        render: (links) => (r) => r.deployment(d, links),
      };
    }
    case 'error': {
      const e = p as HubEvent<'error'>['payload'];
      return {
        kind: 'error',
        fallback: () => addressesForError(routing, namedAddresses(e)),
        render: (links) => (r) => r.error(e, links),
      };
    }
    case 'recommendation': {
      const r0 = p as HubEvent<'recommendation'>['payload'];
      return {
        kind: 'recommendation',
        fallback: () => addressesForRecommendation(routing, namedAddresses(r0)),
        render: (links) => (r) => r.recommendation(r0, links),
      };
    }
    case 'inspection': {
      const t = p as HubEvent<'inspection'>['payload'];
      return {
        kind: transitionKind(t.transition),
        fallback: () => addressesForTransition(routing, t),
        render: () => (r) => r.alert(t),
      };
    }
    case 'insights.weekly': {
      const w = p as HubEvent<'insights.weekly'>['payload'];
      return {
        kind: 'weekly',
        fallback: () => addressesForWeekly(routing, w).sends.map((send) => send.address),
        render: () => (r) => r.weeklyOverall(w),
      };
    }
    default:
      return null;
  }
}

type RenderAll = NonNullable<NonNullable<ReturnType<NotifyHooks['partsOf']>>['provider']>['render'];

/** What an incident target is told, in one line: the check's key and title, or the deployment. */
function incidentLine(event: Event): string {
  if (event.type === 'inspection') {
    const t = event.payload as HubEvent<'inspection'>['payload'];
    return `${t.transition} ${t.key}: ${t.title}`;
  }
  const d = event.payload as HubEvent<'deployment'>['payload'];
  return `${d.applicationName} ${d.version} in ${d.cluster}`;
}

/**
 * Where an event goes (or would go), and why, for every target; nothing is sent. `heldBy` answers which silence
 * would hold the event's notification to a target now (silences match on the target, not the address).
 */
export async function explainEvent(
  hooks: NotifyHooks,
  event: Event,
  publicUrl: string,
  heldBy: HeldBy = () => null,
): Promise<Explanation> {
  await hooks.loadTargets();
  const stored = hooks.routes ? await hooks.routes.stored() : null;
  const explanation: Explanation = { source: stored ? 'stored' : 'default', routes: [], sends: [], dropped: [] };
  let decided = false;
  for (const target of hooks.targets()) {
    const parts = hooks.partsOf(target.name);
    if (!parts) continue;
    const saying = sayingOf(event, parts.routing);
    if (!saying) continue;
    const incident = parts.incidentKinds;
    if (incident && !incident.handles.includes(saying.kind)) continue;
    const fallback = incident
      ? () => (parts.routing.kinds?.includes(saying.kind) ? parts.routing.always : [])
      : saying.fallback;
    const facts = await completeFacts(hooks, factsOf(event.type, saying.kind, event.payload));
    if (stored && !decided) {
      explanation.routes = evaluateRoutes(stored, facts).decisions;
      decided = true;
    }
    const chosen = await chooseAddresses(
      hooks.routes,
      target.name,
      parts.routing,
      facts,
      incident ? { slackChannels: parts.routing.always } : (event.payload as { slackChannels?: string[] }),
      fallback,
    );
    const line = parts.provider
      ? saying.render({ publicUrl, eventId: event.id })(parts.provider.render).line
      : incidentLine(event);
    const to = { target: target.name, module: hooks.moduleOf(target.name) ?? target.name, kind: saying.kind };
    const silencedBy = chosen.addresses.length > 0 ? heldBy(event, to) : null;
    for (const address of chosen.addresses)
      explanation.sends.push({
        target: target.name,
        address,
        kind: saying.kind,
        route: chosen.chosenBy?.[address] ?? 'default',
        text: line,
        silencedBy,
        ...(chosen.fallbackOf?.[address] ? { fallback: chosen.fallbackOf[address] } : {}),
      });
    for (const address of chosen.dropped) explanation.dropped.push({ target: target.name, address });
  }
  return explanation;
}
