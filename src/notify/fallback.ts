import { completeFacts, factsOf, type Carrying } from './choose.js';
import type { NotifyHooks } from './hooks.js';
import { evaluateRoutes, type EventFacts } from './routes.js';
import { notifyKindOf, type NotifyKind } from './silence.js';
import type { EventType } from '../events/types.js';

/**
 * Route fallback: a send may name `fallback`, another target that gets the message once when the send's own
 * target cannot deliver it. Two ways a target cannot:
 *
 * - its delivery of the event went dead (or was skipped because its module had been turned off): the delivery
 *   engine asks `fallbackModules` and adds one delivery of the fallback's module, marked as standing in for the
 *   dead one (unique per dead delivery and module, so a second dead end or a replay never adds another);
 * - its module was off when the event arrived, so it got no delivery at all: the fallback's own delivery of the
 *   event carries the send as well (`standInFor`).
 *
 * A fallback is one step: a stand-in delivery that goes dead falls back no further.
 */

/** The kind an event is said as, for the types whose roots routes choose; null for the rest (replies, outcomes). */
export function kindOf(type: EventType, payload: unknown): NotifyKind | null {
  const kind = notifyKindOf(type, payload);
  return kind === 'outcome' || kind === 'maintenance' ? null : kind;
}

/**
 * The modules that should carry a dead delivery's sends: the fallbacks the stored routes name for the module's
 * targets, for this event. Empty under the default routing, which names none.
 */
export async function fallbackModules(
  hooks: NotifyHooks,
  event: { type: EventType; payload: unknown },
  module: string,
): Promise<string[]> {
  const kind = kindOf(event.type, event.payload);
  const stored = hooks.routes ? await hooks.routes.stored() : null;
  if (!kind || !stored) return [];
  const facts = await completeFacts(hooks, factsOf(event.type, kind, event.payload));
  const targets = hooks.targetsOf(module);
  const modules = new Set<string>();
  for (const send of evaluateRoutes(stored, facts).sends) {
    if (!send.fallback || !targets.includes(send.target)) continue;
    const carrier = hooks.moduleOf(send.fallback);
    if (carrier && carrier !== module) modules.add(carrier);
  }
  return [...modules];
}

/**
 * What one target's own delivery of an event carries: its own sends, and those of targets that name it as their
 * fallback and got no delivery of the event (their module was off when it arrived). Asks the store only when a
 * matching send names this target as its fallback.
 */
export async function standInFor(
  hooks: NotifyHooks,
  eventId: string,
  target: string,
  facts: EventFacts,
): Promise<Carrying> {
  const stored = hooks.routes ? await hooks.routes.stored() : null;
  if (!stored) return { own: true, standIn: [] };
  const primaries = new Set(
    evaluateRoutes(stored, facts)
      .sends.filter((send) => send.fallback === target && send.target !== target)
      .map((send) => send.target),
  );
  if (primaries.size === 0) return { own: true, standIn: [] };
  const delivering = await hooks.modulesDelivering(eventId);
  if (!delivering) return { own: true, standIn: [] };
  const off = [...primaries].filter((primary) => {
    const module = hooks.moduleOf(primary);
    return module === null || !delivering.has(module);
  });
  return { own: true, standIn: off };
}
