import type { QueueWait } from '../../store/status-repo.js';
import { duration, html, time, type SafeHtml } from '../html.js';
import type { Problem } from '../problems.js';
import { badge } from '../severity.js';

/** The top of the overview: what is broken now, each with since when and a link; a quiet line when nothing is. */
export function problemList(problems: Problem[]): SafeHtml {
  if (problems.length === 0) {
    return html`<section aria-labelledby="problems-title">
      <h2 id="problems-title">Broken now</h2>
      <p class="all-good" data-problems="0">${badge('ok', { label: 'all good' })} Nothing is broken.</p>
    </section>`;
  }
  return html`<section aria-labelledby="problems-title">
    <h2 id="problems-title">Broken now: ${problems.length}</h2>
    <ul class="problems" data-problems="${problems.length}">
      ${problems.map(
        (problem) =>
          html`<li class="sev-${problem.severity}" data-problem="${problem.kind}">
            ${badge(problem.severity)} <a href="${problem.href}">${problem.subject}</a> <span>${problem.what}</span>
            ${problem.since ? html`<span class="muted small">since ${time(problem.since)}</span>` : html``}
          </li>`,
      )}
    </ul>
  </section>`;
}

/** "slack: 3 waiting, oldest 2 s": whether each module keeps up. Modules with nothing waiting say so once. */
export function queueList(modules: string[], queues: QueueWait[]): SafeHtml {
  const byModule = new Map(queues.map((queue) => [queue.module, queue]));
  const busy = modules.filter((name) => (byModule.get(name)?.waiting ?? 0) + (byModule.get(name)?.retrying ?? 0) > 0);
  const idle = modules.filter((name) => !busy.includes(name));
  return html`<section id="queues" aria-labelledby="queues-title">
    <h2 id="queues-title">Queues</h2>
    <ul class="queues">
      ${busy.map((name) => {
        const queue = byModule.get(name)!;
        return html`<li data-queue="${name}">
          <strong>${name}</strong>: ${queue.waiting}
          waiting${
            queue.waiting > 0 ? `, oldest ${duration(queue.oldestSeconds * 1000)}` : ''
          }${queue.retrying > 0 ? `, ${queue.retrying} to retry` : ''}
        </li>`;
      })}
      ${idle.length > 0 ? html`<li class="muted" data-queue-idle>${idle.join(', ')}: nothing waiting</li>` : html``}
    </ul>
  </section>`;
}
