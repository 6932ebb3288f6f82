/** graphile-worker task names: one place, since jobs are added in SQL by several parts of the core. */
export const DELIVER_TASK = 'deliver';
export const STORM_TASK = 'storm-follow-up';
/** Ticks of scheduled work (graphile-worker cron jobs). */
export const SCHEDULE_TASK = 'schedule';
