import type { Viewer } from './auth.js';
import { html, type SafeHtml } from './html.js';

export interface PageFrame {
  viewer: Viewer;
  title: string;
  /** Which nav entry is current. */
  nav: 'overview' | 'events' | 'deployments' | 'insights' | 'schedules' | 'errors' | 'sign-in';
  /** The newest activity id when the page was rendered: the script's stream starts after it. */
  lastId: string;
  flash?: string | null;
  /** Above the live part (filters): not replaced by live updates, so typing is never interrupted. */
  controls?: SafeHtml;
  canSignIn: boolean;
  /** Below the live part, kept across live updates (the overview's list of happenings). */
  after?: SafeHtml;
}

const NAV: Array<{ id: PageFrame['nav']; href: string; label: string; admin?: boolean }> = [
  { id: 'overview', href: '/', label: 'Overview' },
  { id: 'events', href: '/events', label: 'Events' },
  { id: 'deployments', href: '/deployments', label: 'Deployments' },
  { id: 'insights', href: '/insights', label: 'Insights' },
  { id: 'schedules', href: '/schedules', label: 'Schedules' },
  { id: 'errors', href: '/errors', label: 'Errors', admin: true },
];

/**
 * Every page: a header, the nav, then `#live`, the part the script re-reads from the same URL when the
 * stream says something changed. Without JavaScript the page is complete as served.
 */
export function layout(frame: PageFrame, body: SafeHtml): SafeHtml {
  const { viewer } = frame;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${frame.title} · Alvares</title>
        <link rel="stylesheet" href="/assets/status.css" />
        <link rel="icon" href="data:," />
        <script src="/assets/status.js" defer></script>
      </head>
      <body>
        <header>
          <a class="brand" href="/">Alvares</a>
          <nav>
            ${NAV.filter((item) => !item.admin || viewer.admin).map(
              (item) =>
                html`<a href="${item.href}" ${item.id === frame.nav ? html` aria-current="page"` : html``}
                  >${item.label}</a
                >`,
            )}
          </nav>
          <span id="live-state" class="live-state" data-state="static">not live</span>
          ${
            viewer.admin
              ? html`<form method="post" action="/sign-out" class="inline">
                  <input type="hidden" name="_csrf" value="${viewer.csrf}" /><button class="link">Sign out</button>
                </form>`
              : frame.canSignIn
                ? html`<a href="/sign-in">Sign in</a>`
                : html``
          }
        </header>
        ${frame.flash ? html`<p class="flash" role="status">${frame.flash}</p>` : html``}
        <h1>${frame.title}</h1>
        ${frame.controls ?? html``}
        <main id="live" data-last-id="${frame.lastId}">${body}</main>
        ${frame.after ?? html``}
      </body>
    </html>`;
}

/** A POST button for an action, shown to administrators only, carrying the CSRF token and where to come back to. */
export function actionButton(
  viewer: Viewer,
  action: string,
  label: string,
  back: string,
  extra: SafeHtml = html``,
): SafeHtml {
  if (!viewer.admin) return html``;
  return html`<form method="post" action="${action}" class="inline">
    <input type="hidden" name="_csrf" value="${viewer.csrf}" /><input
      type="hidden"
      name="back"
      value="${back}"
    />${extra}<button>${label}</button>
  </form>`;
}

export function table(headings: string[], rows: SafeHtml[], empty: string): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<div class="scroll">
    <table>
      <thead>
        <tr>
          ${headings.map((heading) => html`<th>${heading}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}
