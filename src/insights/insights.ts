import type { InsightsWeekly, WeekFigures } from '../events/types.js';
import type { Db } from '../store/db.js';
import { dayRows, figureRows, teamChannels, type InsightsFilter } from '../store/insights-repo.js';
import { syncInsights } from '../store/insights-sync.js';
import { buildAnswer, weekFigures, type InsightsAnswer } from './compute.js';
import { truncate } from './periods.js';
import { DEFAULT_CLUSTER, type InsightsQuestion } from './query.js';

const WEEK_MS = 7 * 86_400_000;
/** A team that did not deploy that week. */
const NOTHING: WeekFigures = {
  deployments: 0,
  deploymentDays: 0,
  failed: 0,
  changeFailureRate: null,
  restored: 0,
  timeToRestoreMedianMs: null,
  leadTimes: 0,
  leadTimeMedianMs: null,
};

/**
 * Delivery insights: the four DORA measures from the hub's own events. Every answer first copies
 * what arrived since the last one (src/store/insights-sync.ts), then asks PostgreSQL for the sums, which
 * `compute.ts` turns into the answer. Used by the API, the status page and the weekly summary.
 */
export class Insights {
  constructor(private readonly deps: { db: Db; publicUrl: () => string }) {}

  async answer(question: InsightsQuestion): Promise<InsightsAnswer> {
    await syncInsights(this.deps.db);
    return this.compute(question);
  }

  private async compute(question: InsightsQuestion): Promise<InsightsAnswer> {
    const filter = filterOf(question);
    const [figures, days] = await Promise.all([
      figureRows(this.deps.db, filter, question.idsLimit),
      dayRows(this.deps.db, filter),
    ]);
    return buildAnswer(question, figures, days);
  }

  /**
   * Last week (Monday 00:00 to Monday 00:00 UTC before `at`) against the week before, in the production
   * cluster: overall and for each team that deployed in either week, with the team's channels.
   */
  async weekly(at: Date, cluster = DEFAULT_CLUSTER): Promise<InsightsWeekly> {
    const end = truncate(at.getTime(), 'week');
    const weeks = [
      { from: new Date(end - WEEK_MS), to: new Date(end) },
      { from: new Date(end - 2 * WEEK_MS), to: new Date(end - WEEK_MS) },
    ] as const;
    await syncInsights(this.deps.db);
    const [current, previous, channels] = await Promise.all([
      this.compute({ cluster, ...weeks[0], interval: 'week', idsLimit: 0 }),
      this.compute({ cluster, ...weeks[1], interval: 'week', idsLimit: 0 }),
      teamChannels(this.deps.db, cluster, weeks[1].from, weeks[0].to),
    ]);
    const teamsOf = (answer: InsightsAnswer) =>
      new Map(answer.teams.filter((entry) => entry.team !== null).map((entry) => [entry.team!, weekFigures(entry)]));
    const [now, before] = [teamsOf(current), teamsOf(previous)];
    const names = [...new Set([...now.keys(), ...before.keys()])].sort((a, b) => a.localeCompare(b));
    const range = (week: { from: Date; to: Date }) => ({ from: week.from.toISOString(), to: week.to.toISOString() });
    return {
      cluster,
      week: range(weeks[0]),
      previousWeek: range(weeks[1]),
      link: this.pageLink({ cluster, from: weeks[1].from, to: weeks[0].to }),
      overall: { current: weekFigures(current.total), previous: weekFigures(previous.total) },
      teams: names.map((team) => ({
        team,
        slackChannels: channels.get(team) ?? [],
        link: this.pageLink({ cluster, team, from: weeks[1].from, to: weeks[0].to }),
        current: now.get(team) ?? NOTHING,
        previous: before.get(team) ?? NOTHING,
      })),
    };
  }

  private pageLink(filter: { cluster: string; team?: string; from: Date; to: Date }): string {
    const params = new URLSearchParams({
      cluster: filter.cluster,
      ...(filter.team ? { team: filter.team } : {}),
      from: filter.from.toISOString(),
      to: filter.to.toISOString(),
      interval: 'day',
    });
    return `${this.deps.publicUrl()}/insights?${params.toString()}`;
  }
}

function filterOf(question: InsightsQuestion): InsightsFilter {
  return {
    cluster: question.cluster,
    from: question.from,
    to: question.to,
    ...(question.application ? { application: question.application } : {}),
    ...(question.team ? { team: question.team } : {}),
  };
}
