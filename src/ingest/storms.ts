import type { Task } from 'graphile-worker';
import type { EventBus } from '../bus/bus.js';
import type { ErrorReport } from '../events/enrich.js';
import type { Logger } from '../logging/logger.js';
import type { Db } from '../store/db.js';
import { takeStormRepeats } from '../store/storms-repo.js';

/**
 * The end of an error storm's window (a queue job the event writer scheduled when the first repeat was
 * folded in): one follow-up error, through the same door as every event, saying how many repeats there were.
 */
export function stormFollowUpTask(deps: { db: Db; bus: EventBus; logger: Logger; windowSeconds: number }): Task {
  return async (job) => {
    const { leaderId } = job as { leaderId: string };
    const appended = await deps.db.transaction(async (client) => {
      const storm = await takeStormRepeats<ErrorReport>(client, leaderId);
      if (!storm) return null;
      const payload = stormFollowUp(storm.leaderPayload, storm.count, leaderId, deps.windowSeconds);
      return {
        count: storm.count,
        written: await deps.bus.append(client, [{ type: 'error', payload, parentId: leaderId }]),
      };
    });
    if (!appended) return;
    deps.bus.announce(appended.written);
    deps.logger.info('error storm summarised', { leaderId, repeats: appended.count });
  };
}

export function stormFollowUp(
  leader: ErrorReport,
  count: number,
  leaderId: string,
  windowSeconds: number,
): ErrorReport {
  const minutes = Math.max(1, Math.round(windowSeconds / 60));
  return {
    ...leader,
    message: `${leader.message}\n(repeated ${count} more time${count === 1 ? '' : 's'} within ${minutes} min)`,
    repeats: { count, firstEventId: leaderId, windowSeconds },
  };
}
