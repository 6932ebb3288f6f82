import type { CheckResult } from '../events/types.js';
import type { ScheduledWork } from '../module-system/contract.js';
import type { Insights } from './insights.js';
import { formatRate } from './compute.js';

/**
 * `core.insights-weekly` (Monday 08:00 UTC; SCHEDULE_CORE_INSIGHTS_WEEKLY overrides it or turns it off):
 * last week against the week before, published as an `insights.weekly` event on the bus through the scheduler
 * (it commits with the run's record), so Slack, or any module subscribed to the type, tells people.
 */
export function insightsWeeklySchedule(insights: Insights): ScheduledWork {
  return {
    name: 'insights-weekly',
    cron: '0 8 * * 1',
    async run({ firedAt, publish }): Promise<CheckResult> {
      const summary = await insights.weekly(firedAt);
      publish('insights.weekly', summary);
      const { current, previous } = summary.overall;
      return {
        summary: `week from ${summary.week.from.slice(0, 10)}: ${current.deployments} deployments (${previous.deployments} the week before), change failure rate ${formatRate(current.changeFailureRate)}; ${summary.teams.length} teams`,
        details: { week: summary.week, overall: summary.overall, teams: summary.teams.map((team) => team.team) },
      };
    },
  };
}
