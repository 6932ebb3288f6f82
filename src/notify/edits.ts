import type { NotifyProvider } from './provider.js';
import { DeliveryError } from '../errors.js';
import type { Logger } from '../logging/logger.js';

/**
 * An edit of a root that can no longer be edited (deleted, too old) is not worth failing the reply for: logged
 * and left as it is. Auth errors and anything retryable still fail the delivery.
 */
export async function editTolerantly(
  provider: NotifyProvider<unknown>,
  logger: Logger,
  what: string,
  context: Record<string, unknown>,
  edit: () => Promise<void>,
): Promise<void> {
  try {
    await edit();
  } catch (error) {
    if (error instanceof DeliveryError && error.permanent && !provider.isAuthFailure(error)) {
      logger.warn(what, { ...context, reason: error.reason });
      return;
    }
    throw error;
  }
}
