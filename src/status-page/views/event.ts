import type { EventView } from '../../store/events-repo.js';
import type { Viewer } from '../auth.js';
import { duration, externalLink, html, json, time, type SafeHtml } from '../html.js';
import { actionButton, table } from '../layout.js';
import { errorText, mrkdwn, stackTrace } from '../rich-text.js';
import { badge } from '../severity.js';

/** Payload fields shown in their own block rather than as a one-line fact. */
const BLOCKS = new Set(['stackTrace', 'message']);

/** A fact for people: Unix-seconds times as dates, milliseconds as durations, the rest as text. */
function fact(name: string, value: unknown): SafeHtml {
  const seconds = typeof value === 'string' && /^\d{9,11}(\.\d+)?$/.test(value) ? Number(value) : value;
  if (name === 'created' && typeof seconds === 'number' && seconds > 1e9) {
    return time(new Date(seconds * 1000).toISOString());
  }
  if (/durationMs$/.test(name) && typeof value === 'number') return html`${duration(value)}`;
  return html`${String(value)}`;
}

/** A delivery a silence held: wholly (not sent), in part (some targets, named in its result), or sent by a replay since. */
function heldWords(delivery: EventView['deliveries'][number]): string {
  if (delivery.status === 'suppressed') return ': not sent; replay sends it.';
  const replayed = delivery.lifecycle.some((step) => (step.detail as { replay?: boolean } | null)?.replay === true);
  return replayed ? '; sent by a replay.' : ' for some targets (named below); replay sends to them.';
}

export function eventView(viewer: Viewer, event: EventView): SafeHtml {
  const back = `/events/${event.id}`;
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  const facts = Object.entries(payload).filter(
    ([name, value]) => value !== null && value !== undefined && typeof value !== 'object' && !BLOCKS.has(name),
  );
  const links = Object.entries(payload).filter(
    ([name, value]) => typeof value === 'string' && /url$/i.test(name) && /^https?:\/\//.test(value),
  );
  const reported = event.type === 'check.finished' ? reportedOutcome(payload) : html``;
  const deliveries = event.deliveries.map((delivery) => {
    const result = delivery.result as {
      summary?: string;
      link?: string;
      score?: number;
      details?: { routes?: Record<string, unknown>; standingIn?: unknown };
    } | null;
    const finished = !['queued', 'in_progress'].includes(delivery.status);
    return html`<article class="delivery" id="delivery-${delivery.id}" data-delivery="${delivery.id}">
      <h3>
        ${delivery.module} ${badge(delivery.status)}
        <span class="muted small"
          >attempt ${delivery.attempts} of
          ${delivery.maxAttempts}${delivery.durationMs !== null ? ` · took ${duration(delivery.durationMs)}` : ''}</span
        >
        ${
          finished
            ? actionButton(viewer, `/actions/deliveries/${delivery.id}/replay`, 'Replay', back, {
                target: `the ${delivery.module} delivery`,
              })
            : html``
        }
      </h3>
      ${delivery.suppressedBy ? html`<p class="held">Held by <a href="/silences#silence-${delivery.suppressedBy}">a silence</a>${heldWords(delivery)}</p>` : html``}
      ${result?.summary ? html`<p>${mrkdwn(result.summary)}${result.score !== undefined ? ` (score ${result.score})` : ''}</p>` : html``}
      ${routesChosen(result?.details?.routes)}
      ${fallbackLines(delivery, result?.details?.standingIn)}
      ${result?.link ? html`<p>${externalLink(result.link, delivery.module === 'slack' ? 'Slack thread' : `open in ${delivery.module}`)}</p>` : html``}
      ${delivery.lastError && delivery.status !== 'succeeded' ? html`<p class="error">${errorText(delivery.lastError)}</p>` : html``}
      ${delivery.nextAttemptAt ? html`<p class="muted">next attempt ${time(delivery.nextAttemptAt)}</p>` : html``}
      <ol class="lifecycle">
        ${delivery.lifecycle.map((step) => {
          const detail = step.detail as { message?: string; replay?: boolean; to?: string } | null;
          return html`<li>
            ${time(step.at)} ${badge(step.status)} attempt
            ${step.attempt}${detail?.replay ? ' (replay)' : ''}${detail?.message ? html` <span class="error">${errorText(detail)}</span>` : html``}${step.status === 'fallback' && detail?.to ? html` to ${detail.to}` : html``}
          </li>`;
        })}
      </ol>
    </article>`;
  });
  return html` <section>
      <dl class="facts">
        <dt>type</dt>
        <dd>${event.type}</dd>
        <dt>received</dt>
        <dd>${time(event.receivedAt)}</dd>
        ${
          event.source
            ? html`<dt>source</dt>
                <dd>${event.source}</dd>`
            : html``
        }
        ${
          event.parentId && event.type === 'deployment'
            ? html`<dt>same deployment as</dt>
                <dd><a href="/events/${event.parentId}">the first report of it</a></dd>`
            : event.parentId
              ? html`<dt>follows</dt>
                <dd><a href="/events/${event.parentId}">the event it is about</a></dd>`
              : html``
        }
        ${
          event.stormOf
            ? html`<dt>storm of</dt>
                <dd><a href="/events/${event.stormOf}">the first error of the storm</a></dd>`
            : html``
        }
        ${facts.map(
          ([name, value]) =>
            html`<dt>${name}</dt>
              <dd>${fact(name, value)}</dd>`,
        )}
      </dl>
      ${links.length > 0 ? html`<p class="links">${links.map(([name, value]) => html`${externalLink(value, name)} `)}</p>` : html``}
      ${
        typeof payload.message === 'string'
          ? html`<h2>Message</h2>
              <p class="message">${mrkdwn(payload.message)}</p>`
          : html``
      }
      ${
        typeof payload.stackTrace === 'string'
          ? html`<h2>Stack trace</h2>
              ${stackTrace(payload.stackTrace)}`
          : html``
      }
      ${reported}
    </section>
    <section>
      <h2>Deliveries</h2>
      ${deliveries.length > 0 ? deliveries : html`<p class="muted">no module handles this event</p>`}
    </section>
    <section>
      <h2>Follow-ups</h2>
      ${table(
        ['received', 'type', ''],
        event.children.map(
          (child) =>
            html`<tr>
              <td>${time(child.receivedAt)}</td>
              <td>${child.type}</td>
              <td><a href="/events/${child.id}">open</a></td>
            </tr>`,
        ),
        'none',
      )}
    </section>
    <section>
      <h2>Payload (enriched)</h2>
      ${json(event.payload)}
      <h2>Raw (as received)</h2>
      ${json(event.raw)}
    </section>`;
}

/**
 * A route's fallback, from both sides: where a dead (or off) delivery's messages went instead, which dead delivery
 * a stand-in carries, and which targets a delivery carried because their module was off when the event came.
 */
function fallbackLines(delivery: EventView['deliveries'][number], standingIn: unknown): SafeHtml {
  // A stand-in carries its dead delivery's sends too: those are told by its "Fallback for" line.
  const carried =
    !delivery.fallbackFor && Array.isArray(standingIn) ? standingIn.filter((name) => typeof name === 'string') : [];
  return html`${delivery.fellBackTo.map(
    (link) =>
      html`<p class="fallback">Sent to <a href="#delivery-${link.deliveryId}">${link.module}</a> instead: ${link.reason}.</p>`,
  )}
  ${delivery.fallbackFor ? html`<p class="fallback">Fallback for <a href="#delivery-${delivery.fallbackFor.deliveryId}">${delivery.fallbackFor.module}</a>: ${delivery.fallbackFor.reason}.</p>` : html``}
  ${carried.map((name) => html`<p class="fallback">Sent here instead of ${name}: ${name} was off when the event arrived.</p>`)}`;
}

/** Which stored route chose each address a notification went to (the layer records it per send). */
function routesChosen(routes: Record<string, unknown> | undefined): SafeHtml {
  if (!routes || typeof routes !== 'object') return html``;
  const sends = Object.entries(routes).filter(([, route]) => typeof route === 'string');
  if (sends.length === 0) return html``;
  return html`<ul class="sent-by small">
    ${sends.map(([address, route]) => html`<li><span class="address">${address}</span> chosen by route <a href="/notifications#routes"><q class="route">${String(route)}</q></a></li>`)}
  </ul>`;
}

/** What a check.finished event reports: whose outcome, how it went, and its summary or error. */
function reportedOutcome(payload: Record<string, unknown>): SafeHtml {
  const result = payload.result as { summary?: string } | null;
  return html`<h2>Reports</h2>
    <p>
      ${typeof payload.module === 'string' ? payload.module : ''}
      ${badge(typeof payload.status === 'string' ? payload.status : 'unknown')}
      ${result?.summary ? mrkdwn(result.summary) : html``}${payload.error ? html` <span class="error">${errorText(payload.error)}</span>` : html``}
    </p>`;
}
