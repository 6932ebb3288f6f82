import type { TestHub } from './hub.js';
import { waitForQuiet } from './hub.js';

export const ADMIN_TOKEN = 'incident-tools-admin-0123456789';

/** An admin call to the hub (checks API, stored routes). */
export async function admin(hub: TestHub, path: string, body: unknown, method = 'POST'): Promise<Response> {
  return fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const defined = new WeakMap<TestHub, Set<string>>();

/** The external check, declared once per hub. */
async function defineCheck(hub: TestHub, check: string): Promise<void> {
  const known = defined.get(hub) ?? new Set<string>();
  defined.set(hub, known);
  if (known.has(check)) return;
  const res = await admin(hub, `/api/v1/checks/${check}`, { description: 'an external scan' }, 'PUT');
  if (res.status !== 201 && res.status !== 200) throw new Error(`the checks API answered ${res.status}`);
  known.add(check);
}

/** One result of an external check, then the hub's deliveries left to settle. */
export async function report(hub: TestHub, check: string, status: string, message: string): Promise<void> {
  await defineCheck(hub, check);
  const res = await admin(hub, `/api/v1/checks/${check}/results`, { status, target: 'portal', message });
  if (res.status !== 201) throw new Error(`the checks API answered ${res.status}: ${await res.text()}`);
  await waitForQuiet(hub, { task: 'deliver', timeoutMs: 20_000 });
}

/** An external check raised (two bad results), escalated to critical, then recovered (two good results). */
export async function alertEscalateRecover(
  hub: TestHub,
  check: string,
  between: { afterAlert?: () => Promise<void>; afterEscalation?: () => Promise<void> } = {},
): Promise<void> {
  await report(hub, check, 'error', 'first failure');
  await report(hub, check, 'error', 'second failure');
  await between.afterAlert?.();
  await report(hub, check, 'critical', 'all down');
  await between.afterEscalation?.();
  await report(hub, check, 'ok', 'back');
  await report(hub, check, 'ok', 'still fine');
}

/** The module's deliveries, oldest first: status, attempts, the last error's code and the result. */
export async function deliveriesOf(
  hub: TestHub,
  module: string,
): Promise<
  Array<{ status: string; attempts: number; error: { code?: string; message?: string } | null; result: unknown }>
> {
  const rows = await hub.hub.db.query<{ status: string; attempts: number; error: never; result: unknown }>(
    'select status, attempts, last_error as error, result from deliveries where module = $1 order by created_at',
    [module],
  );
  return rows.rows;
}
