import type { Viewer } from './auth.js';
import { escapeHtml, html, SafeHtml } from './html.js';
import type { Severity } from './severity.js';

export interface PageFrame {
  viewer: Viewer;
  title: string;
  /** Which nav entry is current. */
  nav:
    | 'overview'
    | 'events'
    | 'deployments'
    | 'insights'
    | 'schedules'
    | 'silences'
    | 'notifications'
    | 'errors'
    | 'sign-in';
  /** The newest activity id when the page was rendered: the script's stream starts after it. */
  lastId: string;
  flash?: string | null;
  /** Above the live part (filters): not replaced by live updates, so typing is never interrupted. */
  controls?: SafeHtml;
  canSignIn: boolean;
  /** Below the live part, kept across live updates (the overview's list of happenings). */
  after?: SafeHtml;
  /** What is broken now: counted in the tab's title and drawn in its icon. */
  problems: { count: number; worst: Severity };
  /** An answer to a form (a question, a refusal): its URL cannot be read again, so the page stays still. */
  still?: boolean;
}

const NAV: Array<{ id: PageFrame['nav']; href: string; label: string; admin?: boolean }> = [
  { id: 'overview', href: '/', label: 'Overview' },
  { id: 'events', href: '/events', label: 'Events' },
  { id: 'deployments', href: '/deployments', label: 'Deployments' },
  { id: 'insights', href: '/insights', label: 'Insights' },
  { id: 'schedules', href: '/schedules', label: 'Schedules' },
  { id: 'silences', href: '/silences', label: 'Silences' },
  { id: 'notifications', href: '/notifications', label: 'Notifications' },
  { id: 'errors', href: '/errors', label: 'Errors', admin: true },
];

/** The tab's icon colours (the light scheme's severity colours: a tab strip has no dark mode of its own). */
const ICON_FILL: Record<Severity, string> = {
  ok: '#116329',
  info: '#0550ae',
  warning: '#7d4e00',
  error: '#b42318',
  critical: '#9b1c1c',
  unknown: '#4d5661',
  timed_out: '#6639ba',
  muted: '#57606a',
};

/** A data: URL (the CSP allows data: images): a green dot when all is well, else the count on the worst colour. */
export function favicon(problems: PageFrame['problems']): string {
  const fill = problems.count === 0 ? ICON_FILL.ok : ICON_FILL[problems.worst];
  const label = problems.count === 0 ? '' : problems.count > 99 ? '99+' : String(problems.count);
  const size = label.length > 2 ? 26 : 40;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="${fill}"/>` +
    (label
      ? `<text x="32" y="32" dy=".36em" text-anchor="middle" font-family="sans-serif" font-weight="700" font-size="${size}" fill="#fff">${label}</text>`
      : '') +
    '</svg>';
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * Every page: a header, the nav, then `#live`, the part the script re-reads from the same URL when the
 * stream says something changed. Without JavaScript the page is complete as served.
 */
export function layout(frame: PageFrame, body: SafeHtml): SafeHtml {
  const { viewer, problems } = frame;
  const count = problems.count > 0 ? `(${problems.count}) ` : '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${count}${frame.title} · Alvares</title>
        <link rel="stylesheet" href="/assets/status.css" />
        <link rel="icon" href="${favicon(problems)}" />
        <script src="/assets/status.js" defer></script>
      </head>
      <body>
        <header>
          <a class="brand" href="/">Alvares</a>
          <nav aria-label="Views">
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
        <main id="live" data-last-id="${frame.lastId}" ${frame.still ? html`data-still` : html``}>${body}</main>
        ${frame.after ?? html``}
      </body>
    </html>`;
}

export interface ActionOptions {
  /** What the action acts on, read by screen readers after the label: "Turn off" + " webhook". */
  target: string;
  /** More hidden fields the action needs. */
  fields?: Record<string, string>;
  /** Drawn as a destructive action. */
  danger?: boolean;
}

/** A POST button for an action, shown to administrators only, carrying the CSRF token and where to come back to. */
export function actionButton(
  viewer: Viewer,
  action: string,
  label: string,
  back: string,
  options: ActionOptions,
): SafeHtml {
  if (!viewer.admin) return html``;
  const fields = Object.entries(options.fields ?? {}).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  return html`<form method="post" action="${action}" class="inline">
    <input type="hidden" name="_csrf" value="${viewer.csrf}" /><input
      type="hidden"
      name="back"
      value="${back}"
    />${fields}<button ${options.danger ? html`class="danger"` : html``}>
      ${label}<span class="vh"> ${options.target}</span>
    </button>
  </form>`;
}

/**
 * A table whose rows become labelled cards on a phone: each top-level cell gets its column's heading as
 * `data-label` (the stylesheet shows it before the cell under 40rem), so nothing needs sideways scrolling.
 */
export function table(headings: string[], rows: SafeHtml[], empty: string, caption?: string): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  const labelled = rows.map((row) => {
    let cell = 0;
    return new SafeHtml(
      row.text.replace(/<td(?=[\s>])/g, () => `<td data-label="${escapeHtml(headings[cell++] ?? '')}"`),
    );
  });
  return html`<div class="scroll">
    <table class="stack">
      ${
        caption
          ? html`<caption class="vh">
              ${caption}
            </caption>`
          : html``
      }
      <thead>
        <tr>
          ${headings.map((heading) => (heading ? html`<th scope="col">${heading}</th>` : html`<th scope="col"><span class="vh">actions</span></th>`))}
        </tr>
      </thead>
      <tbody>
        ${labelled}
      </tbody>
    </table>
  </div>`;
}
