import type { Viewer } from '../auth.js';
import { html, type SafeHtml } from '../html.js';

export function signInView(viewer: Viewer, next: string, problem: string | null, canSignIn: boolean): SafeHtml {
  if (!canSignIn)
    return html`<p>Signing in needs <code>ADMIN_TOKEN</code> set on the hub; without it the page is read-only.</p>`;
  return html`<form method="post" action="/sign-in" class="sign-in">
    ${problem ? html`<p class="error" role="alert">${problem}</p>` : html``}
    <input type="hidden" name="_csrf" value="${viewer.csrf}" />
    <input type="hidden" name="next" value="${next}" />
    <label>Admin token <input type="password" name="token" autocomplete="current-password" required /></label>
    <button>Sign in</button>
  </form>`;
}

/**
 * The second step of an action that is hard to undo (turning a module off, replaying what succeeded, replaying
 * a whole group): the same form again with `confirm=yes`, and a way back. Works without script.
 */
export function confirmView(
  viewer: Viewer,
  request: {
    action: string;
    question: string;
    consequence: string;
    yes: string;
    back: string;
    fields: Record<string, string>;
  },
): SafeHtml {
  return html`<form method="post" action="${request.action}" class="confirm">
    <p><strong>${request.question}</strong></p>
    <p>${request.consequence}</p>
    <input type="hidden" name="_csrf" value="${viewer.csrf}" />
    <input type="hidden" name="back" value="${request.back}" />
    <input type="hidden" name="confirm" value="yes" />
    ${Object.entries(request.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
    <p><button class="danger">${request.yes}</button> <a href="${request.back}">Cancel</a></p>
  </form>`;
}
