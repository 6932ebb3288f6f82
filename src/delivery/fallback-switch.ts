import type { DeliveryErrorInfo, EventType } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { ClaimedDelivery, FinalStatus } from '../store/deliveries-repo.js';
import type { StandIn } from '../store/fallback-repo.js';

/** The modules a dead delivery's sends fall back to (the stored routes' `fallback`); the hub wires it to the routes. */
export type FallbackPlanner = (event: { type: EventType; payload: unknown }, module: string) => Promise<string[]>;

/**
 * Whether a notification delivery's end hands its messages to stand-ins, and which: when it went dead, or was
 * skipped because its module had been turned off, and the routes name a fallback for its sends. A stand-in
 * itself never falls back further (one step, so two targets naming each other cannot ping-pong). A planner that
 * fails is logged: the delivery's own end is recorded either way.
 */
export async function standInsFor(
  deps: { fallback?: FallbackPlanner; registry: ModuleRegistry; logger: Logger },
  claimed: ClaimedDelivery,
  status: FinalStatus,
  error: DeliveryErrorInfo | null,
): Promise<{ reason: string; standIns: StandIn[] } | null> {
  const off = status === 'skipped' && error?.code === 'HUB_ERR_MODULE_OFF';
  if (!deps.fallback || claimed.fallback_for || (status !== 'dead' && !off)) return null;
  if (!deps.registry.isNotification(claimed.module)) return null;
  let modules: string[];
  try {
    modules = await deps.fallback({ type: claimed.type, payload: claimed.payload }, claimed.module);
  } catch (failure) {
    deps.logger.warn('could not work out the fallback of a dead delivery', {
      module: claimed.module,
      deliveryId: claimed.id,
      error: failure instanceof Error ? failure.message : String(failure),
    });
    return null;
  }
  if (modules.length === 0) return null;
  return {
    reason: off ? `${claimed.module} was off` : `${claimed.module} went dead`,
    standIns: modules.map((module) => ({ module, ...deps.registry.policyFor(module) })),
  };
}

/** What a stand-in's handler is told: whose dead delivery it carries (DeliveryContext.fallbackFor). */
export function standingIn(claimed: ClaimedDelivery): { fallbackFor?: { module: string; deliveryId: string } } {
  return claimed.fallback_for
    ? { fallbackFor: { module: claimed.fallback_from ?? '', deliveryId: claimed.fallback_for } }
    : {};
}
