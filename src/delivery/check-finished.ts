import type { EventInput } from '../bus/bus.js';
import type { CheckFinished, CheckResult, DeliveryErrorInfo } from '../events/types.js';
import type { ClaimedDelivery, FinalStatus } from '../store/deliveries-repo.js';

/**
 * A module's delivery reached an end worth telling other modules about (Slack replies it in the
 * deployment's thread): a result with something to say, or a delivery that gave up. Null otherwise.
 * Outcomes of check.finished deliveries themselves are never announced: reports about reports would never end;
 * nor are those of inspection transitions, which are the news themselves (an alert posted is not a new outcome).
 */
export function checkFinishedEvent(
  claimed: ClaimedDelivery,
  status: FinalStatus,
  result: CheckResult | null,
  error: DeliveryErrorInfo | null,
): EventInput<'check.finished'> | null {
  if (claimed.type === 'check.finished' || claimed.type === 'inspection') return null;
  const worthTelling =
    status === 'dead' || (status === 'succeeded' && Boolean(result?.summary) && result?.notify !== false);
  if (!worthTelling) return null;
  const payload: CheckFinished = {
    eventId: claimed.event_id,
    eventType: claimed.type,
    module: claimed.module,
    deliveryId: claimed.id,
    status,
    attempts: claimed.attempts,
    result,
    error,
  };
  // Filed under the deployment's application and cluster, so the history and the page find it there.
  return {
    type: 'check.finished',
    payload,
    parentId: claimed.event_id,
    about: claimed.payload,
    source: claimed.module,
    onlyIfSubscribed: true,
  };
}
