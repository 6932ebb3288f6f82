import type { EventBus } from '../bus/bus.js';
import type { CheckResult, CheckStatus, SilenceEnded } from '../events/types.js';
import type { ScheduledWork } from '../module-system/contract.js';
import type { Db } from '../store/db.js';
import {
  claimClosing,
  heldStillErroring,
  heldStillFailing,
  summarizedClosings,
} from '../store/silence-summaries-repo.js';
import { silencesNotOverAt } from '../store/silences-repo.js';
import type { Silence } from './model.js';
import { windowsBetween } from './recurrence.js';

/** Closings older than this are not summarized any more (a hub that was down for longer says nothing late). */
const LOOKBACK_MS = 3_600_000;

interface Closing {
  silence: Silence;
  opensAt: Date;
  closesAt: Date;
}

/** Every closing of a silence or window in (now - LOOKBACK, now]: a one-off's end, each recurring window's. */
export function closingsBetween(silences: Silence[], now: Date): Closing[] {
  const from = now.getTime() - LOOKBACK_MS;
  return silences.flatMap((silence): Closing[] => {
    const endsAt = silence.endsAt ? new Date(silence.endsAt) : null;
    if (!silence.recurrence) {
      if (!endsAt || endsAt.getTime() > now.getTime() || endsAt.getTime() <= from) return [];
      return [{ silence, opensAt: new Date(silence.startsAt), closesAt: endsAt }];
    }
    const rule = {
      recurrence: silence.recurrence,
      durationMinutes: silence.durationMinutes!,
      timeZone: silence.timeZone!,
    };
    return windowsBetween(
      rule,
      new Date(silence.startsAt),
      new Date(from - rule.durationMinutes * 60_000),
      now,
    ).flatMap((window) => {
      // A window the series' end (or DELETE) cut short closed there.
      const closesAt = endsAt && endsAt < window.closesAt ? endsAt : window.closesAt;
      if (closesAt.getTime() > now.getTime() || closesAt.getTime() <= from || closesAt <= window.opensAt) return [];
      return [{ silence, opensAt: window.opensAt, closesAt }];
    });
  });
}

/**
 * `core.silence-summaries` (every 15 s; SCHEDULE_CORE_SILENCE_SUMMARIES overrides it): when a silence or window
 * has closed, what it held that is still in alert is published once as `silence.ended`, for notification modules
 * to tell (one summary per address): inspections still in alert, and held errors of applications not deployed
 * since. Each closing is taken in the same transaction as its event, so replicas and retries publish it once; what
 * recovered during the window is not in it.
 */
export function silenceSummariesSchedule(deps: { db: Db; bus: EventBus; publicUrl: () => string }): ScheduledWork {
  return {
    name: 'silence-summaries',
    cron: '15s',
    timeoutMs: 60_000,
    async run(): Promise<CheckResult> {
      const now = new Date();
      const silences = (await silencesNotOverAt(deps.db, new Date(now.getTime() - LOOKBACK_MS))) as Silence[];
      const closings = closingsBetween(silences, now);
      const done = await summarizedClosings(
        deps.db.pool,
        closings.map((closing) => closing.silence.id),
      );
      let published = 0;
      for (const closing of closings) {
        if (done.has(`${closing.silence.id}@${closing.closesAt.toISOString()}`)) continue;
        const appended = await deps.db.transaction(async (client) => {
          if (!(await claimClosing(client, closing.silence.id, closing.closesAt))) return null;
          const failing = await heldStillFailing(client, closing.silence.id, closing.opensAt, closing.closesAt);
          const erroring = await heldStillErroring(client, closing.silence.id, closing.opensAt, closing.closesAt);
          if (failing.length === 0 && erroring.length === 0) return null;
          const payload: SilenceEnded = {
            silenceId: closing.silence.id,
            reason: closing.silence.reason,
            createdBy: closing.silence.createdBy,
            window: { opensAt: closing.opensAt.toISOString(), closesAt: closing.closesAt.toISOString() },
            stillFailing: failing.map((item) => ({
              check: item.check,
              key: item.key,
              status: item.alertStatus as CheckStatus,
              since: (item.since ?? closing.opensAt).toISOString(),
              title: item.title,
              link: item.link ?? `${deps.publicUrl()}/checks/${encodeURIComponent(item.check)}`,
              slackChannels: item.slackChannels,
            })),
            stillErroring: erroring.map((group) => ({
              application: group.application,
              cluster: group.cluster,
              count: group.count,
              firstAt: group.firstAt.toISOString(),
              latestMessage: group.latestMessage,
              latestAt: group.latestAt.toISOString(),
              latestEventId: group.latestEventId,
              link: `${deps.publicUrl()}/events/${group.latestEventId}`,
              slackChannels: group.slackChannels,
            })),
            link: `${deps.publicUrl()}/silences`,
          };
          return deps.bus.append(client, [{ type: 'silence.ended', payload, onlyIfSubscribed: true }]);
        });
        if (appended) {
          deps.bus.announce(appended);
          published += 1;
        }
      }
      return {
        summary: `${closings.length} closing${closings.length === 1 ? '' : 's'} in the last hour; ${published} summar${published === 1 ? 'y' : 'ies'} published`,
        notify: false,
      };
    },
  };
}
