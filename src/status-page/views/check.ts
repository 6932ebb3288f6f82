import type { RunView } from '../../store/check-runs-repo.js';
import type { KeyState } from '../../store/inspection-state-repo.js';
import { duration, html, query, running, time, type SafeHtml } from '../html.js';
import { table } from '../layout.js';
import { targetName } from '../problems.js';
import type { CheckState } from '../read-model.js';
import { markdown, markdownLine } from '../rich-text.js';
import { badge, rankOf, severityOf, statusWord } from '../severity.js';

/** A key is flapping after this many changes of status within FLAP_WINDOW_MS. */
export const FLAP_CHANGES = 3;
export const FLAP_WINDOW_MS = 10 * 60_000;

export const KEY_SORTS = ['status', 'target', 'since', 'changes'] as const;
export type KeySort = (typeof KEY_SORTS)[number];

/** Changes of status among a key's recent results inside the window before `now`. */
export function changesOf(key: KeyState, now = Date.now()): number {
  const recent = (key.history ?? []).filter((item) => now - Date.parse(item.at) <= FLAP_WINDOW_MS);
  let changes = 0;
  for (let index = 1; index < recent.length; index += 1) {
    if (recent[index]!.status !== recent[index - 1]!.status) changes += 1;
  }
  return changes;
}

/** How bad a key is: its alert's status while raised, else its latest result's. */
function keySeverityRank(key: KeyState): number {
  return rankOf(severityOf(key.alertStatus ?? key.status));
}

export function sortKeys(keys: KeyState[], sort: KeySort, now = Date.now()): KeyState[] {
  const byTarget = (a: KeyState, b: KeyState) => targetName(a).localeCompare(targetName(b));
  const order: Record<KeySort, (a: KeyState, b: KeyState) => number> = {
    status: (a, b) =>
      keySeverityRank(b) - keySeverityRank(a) || changesOf(b, now) - changesOf(a, now) || byTarget(a, b),
    target: byTarget,
    since: (a, b) => (b.statusSince ?? '').localeCompare(a.statusSince ?? '') || byTarget(a, b),
    changes: (a, b) => changesOf(b, now) - changesOf(a, now) || byTarget(a, b),
  };
  return [...keys].sort(order[sort]);
}

function strip(key: KeyState): SafeHtml {
  const history = key.history ?? [];
  const words = history.map((item) => statusWord(item.status)).join(', ');
  return html`<span class="strip" role="img" aria-label="last ${history.length} results, oldest first: ${words}"
    >${history.map((item) => html`<span class="sev-${severityOf(item.status)}" title="${item.status} at ${item.at}"></span>`)}</span
  >`;
}

function keyRows(keys: KeyState[], now: number): SafeHtml[] {
  return keys.map((key) => {
    const changes = changesOf(key, now);
    return html`<tr data-key="${key.key}">
      <td>
        <strong>${targetName(key)}</strong>
        <div class="muted small">
          ${Object.entries(key.dimensions)
            .map(([name, value]) => `${name}=${value}`)
            .join(', ')}
        </div>
      </td>
      <td>
        ${badge(key.status)}${key.alertStatus ? html` <div class="small">${badge(key.alertStatus, { label: `in alert: ${key.alertStatus}` })} since ${time(key.since)}</div>` : html``}
        ${changes >= FLAP_CHANGES ? html`<div class="flap" data-flapping>⇅ flapping: ${changes} changes in ${duration(FLAP_WINDOW_MS)}</div>` : html``}
      </td>
      <td>${time(key.statusSince ?? key.updatedAt)}</td>
      <td>${strip(key)}</td>
      <td class="message">
        ${key.title ? html`<div>${markdownLine(key.title)}</div>` : html``}
        ${
          key.message
            ? html`<details>
                <summary>message</summary>
                ${markdown(key.message)}
              </details>`
            : html``
        }
      </td>
    </tr>`;
  });
}

const KEY_HEADINGS = ['target', 'status', 'since', 'recent results', 'last message'];

export function sortLinks(name: string, sort: KeySort): SafeHtml {
  const labels: Record<KeySort, string> = {
    status: 'failing first',
    target: 'by target',
    since: 'latest change first',
    changes: 'most changes first',
  };
  return html`<p class="filters small" aria-label="Sort targets">
    sort:
    ${KEY_SORTS.map(
      (option) =>
        html`<a
          href="/checks/${encodeURIComponent(name)}${query({ sort: option === 'status' ? undefined : option })}"
          ${option === sort ? html` aria-current="true"` : html``}
          >${labels[option]}</a
        >`,
    )}
  </p>`;
}

function runRows(runs: RunView[]): SafeHtml[] {
  return runs.map((run) => {
    const open = run.status === 'in_progress' || run.status === 'queued';
    const result = open
      ? running(run.startedAt)
      : run.status === 'timed_out'
        ? badge('timed_out')
        : badge(run.result?.status ?? 'unknown', run.result ? {} : { label: 'no result' });
    const message = run.result?.message ?? '';
    return html`<tr data-run="${run.runId}">
      <td>${result}</td>
      <td>
        ${time(run.startedAt)}${run.durationMs !== null ? html`<div class="muted small">took ${duration(run.durationMs)}</div>` : html``}
      </td>
      <td>
        ${run.target ?? ''}${
          Object.keys(run.dimensions).length > 0
            ? html`<div class="muted small">
                ${Object.entries(run.dimensions)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
              </div>`
            : html``
        }
      </td>
      <td>${run.result?.score ?? ''}</td>
      <td class="message">
        ${
          message.includes('\n')
            ? html`<details>
                <summary>${markdownLine(message)}</summary>
                ${markdown(message)}
              </details>`
            : markdown(message)
        }${run.errors.map((error) => html`<div class="error small">${error.error}${error.detail ? html`: ${error.detail}` : html``}</div>`)}
      </td>
    </tr>`;
  });
}

/** One inspection or external check: each target's state with its recent results, then the latest runs. */
export function checkView(check: CheckState, runs: RunView[], keys: KeyState[], sort: KeySort): SafeHtml {
  const now = Date.now();
  const failing = keys.filter((key) => key.alertStatus !== null || rankOf(severityOf(key.status)) >= rankOf('warning'));
  const flapping = keys.filter((key) => changesOf(key, now) >= FLAP_CHANGES);
  return html`<section>
      <p>
        ${badge(check.state)} ${check.kind === 'inspection' ? 'inspection' : 'external check'} · since
        ${time(check.since, 'no result yet')}${check.runningSince ? html` · ${running(check.runningSince)}` : html``}
      </p>
      ${check.summary ? html`<div class="muted">${markdownLine(check.summary)}</div>` : html``}
    </section>
    <section aria-labelledby="targets-title">
      <h2 id="targets-title">
        Targets:
        ${keys.length}${failing.length > 0 ? `, ${failing.length} failing` : ''}${flapping.length > 0 ? `, ${flapping.length} flapping` : ''}
      </h2>
      ${keys.length > 1 ? sortLinks(check.name, sort) : html``}
      ${table(KEY_HEADINGS, keyRows(sortKeys(keys, sort, now), now), 'no results for any target yet')}
    </section>
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Latest runs</h2>
      ${table(['result', 'started', 'target', 'score', 'message and errors'], runRows(runs), 'no runs yet')}
    </section>`;
}
