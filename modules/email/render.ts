import { escapeHtml as e, link, mail, subjectOf, textOf, truncate, type EmailMessage } from './html.js';
import { EMAIL_TEMPLATES } from './templates.js';
import {
  maintenanceHeadline,
  maintenanceLines,
  maintenanceReason,
  type CheckFinished,
  type Deployment,
  type HubEvent,
  type ProviderRender,
} from '../../src/module-api.js';

type Transition = HubEvent<'inspection'>['payload'];
type Weekly = HubEvent<'insights.weekly'>['payload'];
type Figures = Weekly['overall']['current'];

const MESSAGE_MAX = 20_000;
const TRACE_MAX = 50_000;

const eventUrl = (publicUrl: string, eventId: string) => `${publicUrl}/api/v1/events/${eventId}`;

function facts(rows: Array<[string, string | null | undefined]>): string {
  const present = rows.filter((row): row is [string, string] => typeof row[1] === 'string' && row[1] !== '');
  if (present.length === 0) return '';
  return `<ul>${present.map(([name, value]) => `<li>${e(name)}: ${e(value)}</li>`).join('')}</ul>`;
}

function links(parts: Array<[string | null | undefined, string]>): string {
  const present = parts.filter((part): part is [string, string] => typeof part[0] === 'string' && part[0] !== '');
  return `<p>${present.map(([url, label]) => link(url, label)).join(' · ')}</p>`;
}

function deploymentSubject(d: Deployment): string {
  const cluster = d.cluster ?? 'an unknown cluster';
  if (d.removal) return `Removing ${d.friendlyName} from ${cluster}`;
  const version = d.version ? ` ${d.version}` : '';
  return d.rollback
    ? `Rolling back ${d.friendlyName}${version} in ${cluster}`
    : `Deploying ${d.friendlyName}${version} in ${cluster}`;
}

function where(t: Transition): string {
  const dims = Object.entries(t.dimensions)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  return dims ? `${t.check} (${dims})` : t.check;
}

/** "12 min", "2 h 5 min", "40 s": how long an alert lasted. */
function duration(ms: number | null): string {
  if (ms === null) return 'n/a';
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

const percent = (rate: number | null) => (rate === null ? 'n/a' : `${Number((rate * 100).toFixed(1))} %`);

function measures(now: Figures, before: Figures): string {
  return `<ul>
<li>Deployments: <b>${now.deployments}</b> on ${now.deploymentDays} days (${before.deployments} the week before)</li>
<li>Change failure rate: <b>${percent(now.changeFailureRate)}</b>, ${now.failed} of ${now.deployments} (was ${percent(before.changeFailureRate)})</li>
<li>Time to restore: <b>${duration(now.timeToRestoreMedianMs)}</b> median of ${now.restored} (was ${duration(before.timeToRestoreMedianMs)})</li>
<li>Lead time: <b>${duration(now.leadTimeMedianMs)}</b> median of ${now.leadTimes} (was ${duration(before.leadTimeMedianMs)})</li>
</ul>`;
}

function outcomeLine(finished: CheckFinished): string {
  const module = e(finished.module);
  if (finished.status === 'dead') {
    const attempts = `${finished.attempts} attempt${finished.attempts === 1 ? '' : 's'}`;
    return `${module} failed after ${attempts}${finished.error?.message ? `: ${e(finished.error.message)}` : ''}`;
  }
  const result = finished.result;
  const summary = result?.summary ? `: ${e(result.summary)}` : ' finished';
  const score = typeof result?.score === 'number' ? ` (score ${result.score})` : '';
  return `${module}${summary}${score}${result?.link ? ` · ${link(result.link, 'details')}` : ''}`;
}

/**
 * A mail from one line of the hub's HTML (a reply, or what a stored template rendered): the first line is the
 * subject, the rest the body (the line itself when there is no rest). A reply's subject is replaced by its
 * thread's ("Re: …") when it is sent.
 */
function lineMessage(line: string): EmailMessage {
  const [first = '', ...rest] = line.split('\n');
  const body = rest.join('\n').trim() === '' ? line : rest.join('\n');
  return mail(textOf(first), body.includes('<') ? body : body.replace(/\n/g, '<br>'));
}

/** The hub's mails for every kind the layer sends: a subject, HTML with every payload text escaped, and text. */
export const EMAIL_RENDER: ProviderRender<EmailMessage> = {
  deployment: (d, hub) => ({
    message: mail(
      deploymentSubject(d),
      `<p>${e(deploymentSubject(d))}</p>` +
        facts([
          ['Application', d.applicationName],
          ['Version', d.version],
          ['Cluster', d.cluster],
          ['Team', d.team],
          ['Importance', d.removal ? null : d.importance],
        ]) +
        links([
          [d.removal ? null : d.applicationUrl, 'Application'],
          [d.removal ? null : d.monitorUrl, 'Monitor'],
          [d.logSearchUrl, 'Logs'],
          [eventUrl(hub.publicUrl, hub.eventId), 'The event on the hub'],
        ]),
    ),
    line: `${e(deploymentSubject(d))} (${link(eventUrl(hub.publicUrl, hub.eventId), 'event')})`,
  }),
  error: (error, hub) => {
    const subject = `Error in ${error.applicationName ?? 'an application'}: ${subjectOf(error.message)}`;
    const trace = error.stackTrace ? `<pre>${e(truncate(error.stackTrace, TRACE_MAX))}</pre>` : '';
    const repeats = error.repeats
      ? `<p>Repeated ${error.repeats.count} more time${error.repeats.count === 1 ? '' : 's'}, folded into this mail.</p>`
      : '';
    return {
      message: mail(
        subject,
        `<p><b>${e(truncate(error.message, MESSAGE_MAX)).replace(/\n/g, '<br>')}</b></p>${trace}${repeats}` +
          facts([
            ['Application', error.applicationName],
            ['Cluster', error.cluster],
          ]) +
          links([[eventUrl(hub.publicUrl, hub.eventId), 'The event on the hub']]),
      ),
      line: `${e(subject)} (${link(eventUrl(hub.publicUrl, hub.eventId), 'event')})`,
    };
  },
  recommendation: (r, hub) => {
    const subject = `Recommendation for ${r.applicationName ?? 'your application'}`;
    return {
      message: mail(
        subject,
        `<p>${e(truncate(r.message, MESSAGE_MAX)).replace(/\n/g, '<br>')}</p>` +
          facts([
            ['Application', r.applicationName],
            ['Team', r.team],
          ]) +
          links([[eventUrl(hub.publicUrl, hub.eventId), 'The event on the hub']]),
      ),
      line: `${e(subject)}: ${e(subjectOf(r.message))}`,
    };
  },
  alert: (t) => {
    const subject = `${t.status.toUpperCase()}: ${t.title}`;
    const message = t.message.trim() !== '' ? `<p>${e(truncate(t.message, MESSAGE_MAX))}</p>` : '';
    return {
      message: mail(
        subject,
        `<p><b>${e(subject)}</b><br>${e(where(t))}, failing since ${e(t.since)}</p>${message}${links([[t.link, 'The check on the hub']])}`,
      ),
      line: `${e(t.status)} ${e(where(t))}: ${e(t.title)} (${link(t.link, 'check')})`,
    };
  },
  maintenance: (ended, part) => {
    const subject = maintenanceHeadline(part);
    const markup = { escape: e, link, strong: (text: string) => `<b>${text}</b>` };
    const items = maintenanceLines(ended, part, markup).map((line) => `<li>${line}</li>`);
    return {
      message: mail(
        subject,
        `<p><b>${e(subject)}</b><br>${maintenanceReason(ended, markup)}</p><ul>${items.join('')}</ul>` +
          links([[ended.link, 'Silences on the hub']]),
      ),
      line: `${e(subject)}: ${e(subjectOf(ended.reason))}`,
    };
  },
  weeklyOverall: (summary) => {
    const subject = `Delivery insights in ${summary.cluster}, week of ${summary.week.from.slice(0, 10)}`;
    const teams = summary.teams.map((team) => `${e(team.team)} ${team.current.deployments}`).join(' · ');
    return {
      message: mail(
        subject,
        `<p><b>${e(subject)}</b> (against the week before)</p>${measures(summary.overall.current, summary.overall.previous)}` +
          (teams ? `<p>Deployments per team: ${teams}</p>` : '') +
          links([[summary.link, 'The insights on the hub']]),
      ),
      line: `${e(subject)}: ${summary.overall.current.deployments} deployments`,
    };
  },
  weeklyTeam: (summary, team) => {
    const subject = `Delivery insights of ${team.team}, week of ${summary.week.from.slice(0, 10)}`;
    return {
      message: mail(
        subject,
        `<p><b>${e(subject)}</b> (against the week before)</p>${measures(team.current, team.previous)}${links([[team.link, `${team.team} on the hub`]])}`,
      ),
      line: `${e(subject)}: ${team.current.deployments} deployments`,
    };
  },
  transitionReply: (t) =>
    t.transition === 'recovered'
      ? `Recovered after ${duration(t.durationMs)}: ${e(t.title)}`
      : `Escalated to ${e(t.status)} (was ${e(t.previousStatus ?? 'unknown')}): ${e(t.title)}` +
        (t.message.trim() !== '' ? `<br>${e(truncate(t.message, MESSAGE_MAX)).replace(/\n/g, '<br>')}` : ''),
  alertStatusLine: (t) =>
    t.transition === 'recovered' ? `recovered after ${duration(t.durationMs)}` : `escalated to ${e(t.status)}`,
  outcomeLine,
  digestReplyLine: (application, line) => (application ? `${e(application)}: ${line}` : line),
  statusLine: (outcomes) => `Status: ${outcomes.map((finished) => e(finished.module)).join(' · ')}`,
  // Mail cannot be edited once sent: the layer never asks (no `edits`); kept for the interface.
  withStatusLine: (root) => root,
  lineMessage,
  templates: EMAIL_TEMPLATES,
  escape: e,
  digest: (entries) =>
    mail(
      `${entries.length} messages from Alvares`,
      `<ul>${entries.map((entry) => `<li>${entry.line}</li>`).join('')}</ul>`,
    ),
  combinedReply: (lines) => mail('', lines.map((line) => `<p>${line}</p>`).join('')),
  // A mail has room for any digest the layer gathers.
  digestCapacity: (lines) => lines.length,
  replyCapacity: (lines) => lines.length,
};
