import { CARD_TEMPLATES } from './card-templates.js';
import { maintenanceHeadline, maintenanceLines, maintenanceReason } from './maintenance.js';
import type { DigestEntry, HubLinks, ProviderRender } from './provider.js';
import { percentText } from './templates.js';
import type { CheckFinished, HubEvent } from '../events/types.js';

/**
 * A message as a titled card: what card- and embed-shaped services (Adaptive Cards, Discord embeds) have in
 * common. `cardRender` words every kind once, in Markdown with payload text escaped by the provider's `escape`;
 * the provider only turns a card into its JSON. Text is already escaped; URLs are the hub's own or http(s) links.
 */
export interface Card {
  title: string;
  text: string;
  facts: Array<{ name: string; value: string }>;
  links: Array<{ title: string; url: string }>;
  tone: 'good' | 'warning' | 'attention' | 'neutral';
  /** The root's status line (outcomes, an alert's escalation), replaced as it changes. */
  status?: string;
}

type Transition = HubEvent<'inspection'>['payload'];
type Weekly = HubEvent<'insights.weekly'>['payload'];
type Figures = Weekly['overall']['current'];

const HTTP = /^https?:\/\//i;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/** Cut to `max` characters with a visible mark, so a cut is never mistaken for the whole text. */
export function cut(text: string, max: number): string {
  const mark = '…(truncated)';
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - mark.length))}${mark}`;
}

/** The card words of every kind, for a service whose Markdown `escape` escapes and whose text holds `maxText`. */
export function cardRender(escape: (text: string) => string, maxText: number): ProviderRender<Card> {
  const e = (text: string | null | undefined) => escape(text ?? '');
  const card = (title: string, text: string, extra: Partial<Card> = {}): Card => ({
    title: cut(title, 250),
    text: cut(text, maxText),
    facts: [],
    links: [],
    tone: 'neutral',
    ...extra,
  });
  const fact = (name: string, value: string | null | undefined) =>
    value ? [{ name, value: cut(e(value), 1000) }] : [];
  const link = (title: string, url: string | null | undefined) => (url && HTTP.test(url) ? [{ title, url }] : []);
  const eventUrl = (links: HubLinks) => `${links.publicUrl}/api/v1/events/${links.eventId}`;
  const md = (title: string, url: string) => `[${title}](${url})`;
  const figures = (now: Figures, before: Figures) =>
    [
      `Deployments: **${now.deployments}** (${before.deployments} the week before)`,
      `Change failure rate: **${percentText(now.changeFailureRate)}**, ${now.failed} of ${now.deployments}`,
      `Time to restore: **${now.timeToRestoreMedianMs === null ? 'n/a' : formatDuration(now.timeToRestoreMedianMs)}** median of ${now.restored}`,
      `Lead time: **${now.leadTimeMedianMs === null ? 'n/a' : formatDuration(now.leadTimeMedianMs)}** median of ${now.leadTimes}`,
    ].join('\n\n');
  const where = (t: Transition) => {
    const dims = Object.values(t.dimensions);
    return `${e(t.check)}${dims.length > 0 ? ` (${dims.map(e).join(', ')})` : ''}`;
  };
  const lineOf = (text: string): Card => card('', text);
  const lines = (max: number) => (all: readonly string[]) => {
    let used = 0;
    let count = 0;
    for (const line of all) {
      used += line.length + 1;
      if (used > max && count > 0) break;
      count += 1;
    }
    return count;
  };

  return {
    deployment: (d, links) => {
      const what = d.removal ? 'removed from' : 'deployed to';
      const title = `${e(d.applicationName)} ${e(d.version ?? '')} ${what} ${e(d.cluster ?? 'an unknown cluster')}`;
      return {
        message: card(title, d.rollback ? `Rolled back from ${e(d.rolledBackFrom ?? 'an earlier version')}` : '', {
          facts: [
            ...fact('Application', d.applicationName),
            ...fact('Version', d.version),
            ...fact('Cluster', d.cluster),
            ...fact('Team', d.team),
            ...fact('Deployed by', d.deployedBy),
          ],
          links: [...link('Application', d.applicationUrl), { title: 'The event on the hub', url: eventUrl(links) }],
          tone: d.removal ? 'warning' : 'good',
        }),
        line: `${title} · ${md('event', eventUrl(links))}`,
      };
    },
    error: (report, links) => {
      const title = report.applicationName ? `Error in ${e(report.applicationName)}` : 'Error';
      return {
        message: card(title, e(report.message), {
          facts: [...fact('Application', report.applicationName), ...fact('Cluster', report.cluster)],
          links: [...link('Logs', report.logUrl), { title: 'The event on the hub', url: eventUrl(links) }],
          tone: 'attention',
        }),
        line: `${title}: ${cut(e(report.message), 200)} · ${md('event', eventUrl(links))}`,
      };
    },
    recommendation: (r, links) => {
      const title = r.applicationName ? `Recommendation for ${e(r.applicationName)}` : 'Recommendation';
      return {
        message: card(title, e(r.message), {
          facts: [...fact('Application', r.applicationName), ...fact('Team', r.team)],
          links: [{ title: 'The event on the hub', url: eventUrl(links) }],
        }),
        line: `${title}: ${cut(e(r.message), 200)}`,
      };
    },
    alert: (t) => {
      const title = `${t.status.toUpperCase()}: ${where(t)}: ${e(t.title)}`;
      return {
        message: card(title, e(t.message), {
          facts: [
            { name: 'Status', value: t.status },
            { name: 'Failing since', value: e(t.since) },
            ...Object.entries(t.dimensions).flatMap(([name, value]) => fact(name, value)),
          ],
          links: link('The check on the hub', t.link),
          tone: t.status === 'warning' ? 'warning' : 'attention',
        }),
        line: title,
      };
    },
    maintenance: (ended, part) => {
      const title = maintenanceHeadline(part);
      const markup = {
        escape,
        link: (url: string, label: string) => (HTTP.test(url) ? md(e(label), url) : e(url)),
        strong: (text: string) => `**${text}**`,
      };
      const lines = maintenanceLines(ended, part, markup);
      return {
        message: card(title, [maintenanceReason(ended, markup), ...lines].join('\n\n'), {
          links: link('Silences on the hub', ended.link),
          tone: 'attention',
        }),
        line: `${title}: ${cut(e(ended.reason), 200)}`,
      };
    },
    weeklyOverall: (s) => {
      const title = `Delivery insights in ${e(s.cluster)}, week of ${e(s.week.from.slice(0, 10))}`;
      return {
        message: card(title, figures(s.overall.current, s.overall.previous), {
          links: link('The insights on the hub', s.link),
        }),
        line: `${title}: ${plural(s.overall.current.deployments, 'deployment')}`,
      };
    },
    weeklyTeam: (s, team) => {
      const title = `Delivery insights of ${e(team.team)}, week of ${e(s.week.from.slice(0, 10))}`;
      return {
        message: card(title, figures(team.current, team.previous), {
          links: link(`${team.team} on the hub`, team.link),
        }),
        line: `${title}: ${plural(team.current.deployments, 'deployment')}`,
      };
    },
    transitionReply: (t) =>
      t.transition === 'recovered'
        ? `Recovered after ${formatDuration(t.durationMs)}: ${where(t)}: ${t.status} – ${e(t.title)}`
        : t.transition === 'escalated'
          ? `Escalated to **${t.status}** (was ${t.previousStatus ?? 'ok'}): ${where(t)} – ${e(t.title)}`
          : `${t.status.toUpperCase()}: ${where(t)}: ${e(t.title)}`,
    alertStatusLine: (t) =>
      t.transition === 'recovered'
        ? `recovered after ${formatDuration(t.durationMs)}`
        : `${t.transition} to ${t.status}`,
    outcomeLine: (f: CheckFinished) =>
      f.status === 'dead'
        ? `⚠️ ${e(f.module)} failed after ${plural(f.attempts, 'attempt')}${f.error?.message ? `: ${e(f.error.message)}` : ''}`
        : `✅ ${e(f.module)}${f.result?.summary ? `: ${e(f.result.summary)}` : ' finished'}`,
    digestReplyLine: (application, line) => (application ? `**${e(application)}**: ${line}` : line),
    statusLine: (outcomes) =>
      `**Status:** ${outcomes.map((f) => `${f.status === 'dead' ? '⚠️' : '✅'} ${e(f.module)}${f.status === 'dead' ? ' failed' : ''}`).join(' · ')}`,
    withStatusLine: (root, status) => ({ ...root, status: cut(status, 1000) }),
    lineMessage: lineOf,
    templates: CARD_TEMPLATES,
    escape,
    digest: (entries: readonly DigestEntry[]) =>
      card(plural(entries.length, 'message'), entries.map((entry) => entry.line).join('\n\n')),
    combinedReply: (all) => lineOf(all.join('\n\n')),
    digestCapacity: lines(maxText),
    replyCapacity: lines(maxText),
  };
}
