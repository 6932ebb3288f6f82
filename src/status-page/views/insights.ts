import type { InsightsAnswer, Measures } from '../../insights/compute.js';
import type { InsightsQueryInput, InsightsQuestion } from '../../insights/query.js';
import { html, query, type SafeHtml } from '../html.js';
import { table } from '../layout.js';
import { barChart, meter, spread } from './charts.js';

/**
 * `/insights`: the four delivery measures for the whole cluster, each team and each application, with a
 * chart per row. Every name comes from payloads and goes through `html`; links carry it in a query string.
 */
export function insightsView(answer: InsightsAnswer): SafeHtml {
  const scale = {
    restore: Math.max(
      0,
      ...[answer.total, ...answer.teams, ...answer.applications].map((row) => row.timeToRestore.p90Ms ?? 0),
    ),
    lead: Math.max(0, ...[answer.total, ...answer.teams, ...answer.applications].map((row) => row.leadTime.p90Ms ?? 0)),
  };
  const filter = { cluster: answer.cluster, from: answer.from, to: answer.to, interval: answer.interval };
  // One string: the template's line breaks would otherwise end up in the text.
  const windowLine = [
    answer.cluster,
    `${answer.from.slice(0, 10)} to ${answer.to.slice(0, 10)}`,
    `per ${answer.interval}`,
    ...(answer.team ? [`team ${answer.team}`] : []),
    ...(answer.application ? [answer.application] : []),
  ].join(' · ');
  const teamRows = answer.teams.map(
    (row) =>
      html`<tr data-team="${row.team ?? ''}">
        <td><a href="/insights${query({ ...filter, team: row.team ?? undefined })}">${row.team ?? '(no team)'}</a></td>
        ${cells(row, answer, scale)}
      </tr>`,
  );
  const appRows = answer.applications.map(
    (row) =>
      html`<tr data-application="${row.application}">
        <td class="app">
          <a href="/insights${query({ ...filter, application: row.application, team: row.team ?? undefined })}"
            >${row.application}</a
          >
        </td>
        <td>${row.team ?? ''}</td>
        ${cells(row, answer, scale)}
      </tr>`,
  );
  const headings = ['deployments', 'change failure rate', 'time to restore', 'lead time'];
  return html`<section class="insights-total" data-total>
      <p class="muted small">${windowLine}</p>
      <div class="cards">${cards(answer.total, answer, scale)}</div>
    </section>
    <section>
      <h2>Teams</h2>
      ${table(['team', ...headings], teamRows, 'no deployments in this window')}
    </section>
    <section>
      <h2>Applications</h2>
      ${table(['application', 'team', ...headings], appRows, 'no deployments in this window')}
    </section>
    <p class="muted small">
      How each measure is computed: README, "Insights". The same figures as JSON, with the ids behind each:
      <a
        href="/api/v1/insights${query({
          ...filter,
          team: answer.team ?? undefined,
          application: answer.application ?? undefined,
        })}"
        >/api/v1/insights</a
      >.
    </p>`;
}

type Scale = { restore: number; lead: number };

function frequencyChart(measures: Measures, answer: InsightsAnswer): SafeHtml {
  const { perInterval } = measures.deploymentFrequency;
  const points = perInterval.map((value, index) => {
    const failed = measures.changeFailureRate.perInterval[index] ?? 0;
    return {
      value,
      failed,
      label: `${answer.periods[index]!.slice(0, 10)}: ${value} deployment${value === 1 ? '' : 's'}, ${failed} failed`,
    };
  });
  return barChart(points, `deployments per ${answer.interval}`);
}

function cells(row: Measures, answer: InsightsAnswer, scale: Scale): SafeHtml {
  const { deploymentFrequency: df, changeFailureRate: cfr, timeToRestore: ttr, leadTime: lead } = row;
  return html`<td class="df">
      <span class="n" data-figure="deployments">${df.n}</span>
      <span class="muted small">${df.n === 1 ? 'deployment' : 'deployments'} · ${frequencyWords(df.bucket)}</span
      ><br />${frequencyChart(row, answer)}
    </td>
    <td class="cfr">
      <span data-figure="cfr">${cfr.text}</span> <span class="muted small">${cfr.failed} of ${cfr.n}</span
      ><br />${meter(cfr.rate, 'change failure rate')}
    </td>
    <td class="ttr">
      <span data-figure="ttr">${ttr.text}</span>
      <span class="muted small">${ttr.n} restored${ttr.open > 0 ? `, ${ttr.open} open` : ''}</span
      ><br />${spread(ttr.medianMs, ttr.p90Ms, scale.restore, 'time to restore, median and p90')}
    </td>
    <td class="lead">
      <span data-figure="lead">${lead.text}</span>
      <span class="muted small">n ${lead.n}${lead.missing > 0 ? `, ${lead.missing} n/a` : ''}</span
      ><br />${spread(lead.medianMs, lead.p90Ms, scale.lead, 'lead time, median and p90')}
    </td>`;
}

function cards(total: Measures, answer: InsightsAnswer, scale: Scale): SafeHtml {
  const { deploymentFrequency: df, changeFailureRate: cfr, timeToRestore: ttr, leadTime: lead } = total;
  return html`<div class="card">
      <h3>Deployment frequency</h3>
      <p class="big" data-figure="deployments">${df.n}</p>
      <p class="small">
        ${frequencyWords(df.bucket)} · ${df.deploymentDays} days with a deployment · a median ${df.medianDaysPerWeek}
        such days a week
      </p>
      ${frequencyChart(total, answer)}
    </div>
    <div class="card">
      <h3>Change failure rate</h3>
      <p class="big" data-figure="cfr">${cfr.text}</p>
      <p class="small">${cfr.failed} of ${cfr.n} deployments failed</p>
      ${meter(cfr.rate, 'change failure rate')}
    </div>
    <div class="card">
      <h3>Time to restore</h3>
      <p class="big duration" data-figure="ttr">${ttr.text}</p>
      <p class="small">${ttr.n} restored${ttr.open > 0 ? `, ${ttr.open} not yet` : ''}</p>
      ${spread(ttr.medianMs, ttr.p90Ms, scale.restore, 'time to restore, median and p90')}
    </div>
    <div class="card">
      <h3>Lead time</h3>
      <p class="big duration" data-figure="lead">${lead.text}</p>
      <p class="small">n ${lead.n}${lead.missing > 0 ? ` · ${lead.missing} without created (n/a)` : ''}</p>
      ${spread(lead.medianMs, lead.p90Ms, scale.lead, 'lead time, median and p90')}
    </div>`;
}

/** The frequency bucket in words: "240 · yearly" said nothing to most readers. */
export function frequencyWords(bucket: string | null): string {
  switch (bucket) {
    case 'daily':
      return 'deploys on most days (daily)';
    case 'weekly':
      return 'deploys every week (weekly)';
    case 'monthly':
      return 'deploys every month (monthly)';
    case 'yearly':
      return 'deploys less than monthly';
    default:
      return 'no deployments';
  }
}

/** The four measures of one application or team as cards (the application page's summary). */
export function insightsCards(answer: InsightsAnswer): SafeHtml {
  const scale = { restore: answer.total.timeToRestore.p90Ms ?? 0, lead: answer.total.leadTime.p90Ms ?? 0 };
  return html`<div class="cards">${cards(answer.total, answer, scale)}</div>`;
}

/**
 * The filters above the live part: a plain GET form, so it works without JavaScript. Dates left empty keep
 * their defaults (the last 90 days up to now), so a page left open keeps moving with the clock.
 */
export function insightsFilters(asked: InsightsQueryInput, question: InsightsQuestion): SafeHtml {
  const date = (value: Date | undefined) => (value ? value.toISOString().slice(0, 10) : '');
  const intervals = (['day', 'week', 'month'] as const).map(
    (interval) =>
      html`<option value="${interval}" ${interval === question.interval ? html` selected` : html``}>
        ${interval}
      </option>`,
  );
  return html`<form method="get" action="/insights" class="filters">
    <label>cluster <input name="cluster" value="${question.cluster}" size="10" /></label>
    <label>team <input name="team" value="${question.team ?? ''}" size="14" /></label>
    <label>application <input name="application" value="${question.application ?? ''}" size="18" /></label>
    <label>from <input type="date" name="from" value="${date(asked.from)}" /></label>
    <label>to (exclusive) <input type="date" name="to" value="${date(asked.to)}" /></label>
    <label
      >per
      <select name="interval">
        ${intervals}
      </select></label
    >
    <button>Show</button>
  </form>`;
}
