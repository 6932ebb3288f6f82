import type { CheckResult } from '../events/types.js';
import type { ScheduledWork } from '../module-system/contract.js';
import type { Db } from '../store/db.js';
import { syncInsights } from '../store/insights-sync.js';
import { pruneExpired } from '../store/retention.js';

/** The core's hourly prune, as scheduled work (`core.prune`; SCHEDULE_CORE_PRUNE overrides or turns it off). */
export function pruneSchedule(db: Db, retentionDays: number): ScheduledWork {
  return {
    name: 'prune',
    cron: '17 * * * *',
    async run(): Promise<CheckResult> {
      // Insights keep their own copy of what they read, past the events' retention: copy before deleting.
      await syncInsights(db);
      const pruned = await pruneExpired(db, retentionDays);
      const kept =
        retentionDays > 0 ? `events older than ${retentionDays} days` : 'no events (EVENT_RETENTION_DAYS=0 keeps them)';
      return {
        summary: `pruned ${pruned.events} events, ${pruned.keys} expired dedupe keys, ${pruned.runs} scheduled-run records, ${pruned.activity} live-feed rows; removes ${kept}`,
        details: { ...pruned },
      };
    },
  };
}
