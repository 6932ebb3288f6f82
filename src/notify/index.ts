/**
 * The notification layer: what the hub says to whom, for every provider. A provider module gives a
 * `NotifyProvider` (how to post, update, reply and look up on its service, and how its messages look) and its
 * routing settings; `createNotifier` gives back the handlers' behaviour: routes, pacing per address, digests,
 * threads, alert roots with replies, exactly-once after a crash, silences.
 */
import { Notifier } from './notifier.js';
import type { NotifyProvider } from './provider.js';
import type { TargetRouting } from './routing.js';
import type { ModuleContext } from '../module-system/contract.js';

export { Notifier } from './notifier.js';
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
export { NotifyHooks, type NotifyKind, type SendQuery, type SilenceCheck } from './silence.js';

/** A provider module's notifier for its target (named after the provider unless `target` says otherwise). */
export function createNotifier<M>(
  ctx: ModuleContext<unknown>,
  options: { provider: NotifyProvider<M>; routing: TargetRouting; target?: string },
): Notifier<M> {
  return new Notifier<M>({
    target: options.target ?? options.provider.name,
    provider: options.provider,
    routing: options.routing,
    db: ctx.db,
    ownDelivery: (eventId) => ctx.ownDelivery(eventId),
    logger: ctx.logger,
    publicUrl: ctx.core.publicUrl,
    hooks: ctx.notifyHooks,
  });
}
