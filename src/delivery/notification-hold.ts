import type { HubEvent } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { ClaimedDelivery } from '../store/deliveries-repo.js';

/**
 * Asked before a notification module's delivery runs: the id of the silence that holds it, or null. `about` is the
 * event's application, cluster and team (a check's outcome carries its deployment's); `target` is where it would go.
 */
export type NotificationHold = (
  event: HubEvent,
  about: { applicationName: string | null; cluster: string | null; team: string | null },
  target: string,
) => string | null;

/**
 * Whether a silence holds this delivery. A delivery a silence held before is being replayed: it is sent. A hold
 * that cannot be judged must not swallow a notification: it is sent too.
 */
export function askHold(
  hold: NotificationHold,
  claimed: ClaimedDelivery,
  event: HubEvent,
  logger: Logger,
): string | null {
  if (claimed.suppressed_by) return null;
  const payload = (claimed.payload ?? {}) as Record<string, unknown>;
  const text = (column: string | null | undefined, field: unknown) =>
    column ?? (typeof field === 'string' ? field : null);
  const about = {
    applicationName: text(claimed.application_name, payload.applicationName),
    cluster: text(claimed.cluster, payload.cluster),
    team: text(claimed.team, payload.team),
  };
  try {
    return hold(event, about, claimed.module);
  } catch (error) {
    logger.warn('could not match silences; sending', { deliveryId: claimed.id, error: String(error) });
    return null;
  }
}
