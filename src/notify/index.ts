/**
 * The notification layer: what the hub says to whom, for every provider. A provider module gives a
 * `NotifyProvider` (how to post, update, reply and look up on its service, and how its messages look) and its
 * routing settings; `createProviderTargets` gives back the handlers' behaviour for each of the provider's targets:
 * routes, pacing per address, digests, threads, alert roots with replies, exactly-once after a crash, silences.
 */
import { IncidentNotifier, incidentRouting, type IncidentProvider } from './incidents.js';
import type { ModuleContext } from '../module-system/contract.js';

export { Notifier } from './notifier.js';
export { cardRender, cut, type Card } from './card.js';
export {
  maintenanceHeadline,
  maintenanceLines,
  maintenanceReason,
  type MaintenancePart,
  type Markup,
} from './maintenance.js';
export { IncidentNotifier, type IncidentKind, type IncidentProvider } from './incidents.js';
export type {
  DigestEntry,
  HubLinks,
  NotifyProvider,
  PostMetadata,
  Posted,
  ProviderCapabilities,
  ProviderRender,
  ProviderWords,
  Rendered,
  RootKind,
} from './provider.js';
export {
  addressesForDeployment,
  addressesForError,
  addressesForRecommendation,
  addressesForTransition,
  addressesForWeekly,
  allowAddresses,
  namedAddresses,
  type Route,
  type TargetRouting,
  type WeeklyRoute,
} from './routing.js';
export { NotifyHooks, type TargetInfo } from './hooks.js';
export { createProviderTargets, ProviderTargets } from './provider-targets.js';
export { SECRET_SET, targetBodySchema } from './targets.js';
export type { NotifyKind } from './silence.js';

/** An on-call tool's notifier (incidents by key, no posts): routed and silenced like any target. */
export function createIncidentNotifier(
  ctx: ModuleContext<unknown>,
  options: { provider: IncidentProvider; target?: string },
): IncidentNotifier {
  const target = options.target ?? options.provider.name;
  ctx.notifyHooks.registerTarget(
    {
      name: target,
      provider: options.provider.name,
      capabilities: {
        threads: false,
        edits: false,
        lookup: false,
        incidents: true,
        rateLimit: { intervalMs: 0, burst: 0 },
      },
    },
    {
      provider: null,
      routing: incidentRouting(options.provider.defaultKinds),
      incidentKinds: {
        handles: [
          'alert',
          'escalation',
          'recovery',
          ...(options.provider.change ? (['deployment', 'removal'] as const) : []),
        ],
      },
      module: ctx.name,
    },
  );
  return new IncidentNotifier({
    target,
    provider: options.provider,
    hooks: ctx.notifyHooks,
    publicUrl: ctx.core.publicUrl,
  });
}
