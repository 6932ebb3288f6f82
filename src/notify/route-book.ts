import { routesBodySchema, type NotifyRoute } from './routes.js';
import { HubError, validationError } from '../errors.js';
import type { Db } from '../store/db.js';
import { writeSetting } from '../store/notify-settings-repo.js';

/** Every replica re-reads the stored routes this often: a change takes effect everywhere within it. */
const RELOAD_MS = 2_000;

/**
 * The stored routes, shared by every replica through PostgreSQL (`notify_settings`), each change logged in
 * `notify_changes` (who, when, before and after: routes hold no secrets). Null: none stored, the default
 * routing (today's SLACK_* rules) applies.
 */
export class RouteBook {
  private cached: { routes: NotifyRoute[] | null; at: number } | null = null;

  constructor(
    private readonly db: Db,
    private readonly knownTargets: () => Promise<readonly string[]>,
    /** Targets that can carry another's send (chat targets, not on-call tools); asked after `knownTargets`. */
    private readonly fallbackTargets: () => readonly string[],
  ) {}

  /** `fresh`: read now, not the copy of the last seconds (a decision another replica's change may have voided). */
  async stored(fresh = false): Promise<NotifyRoute[] | null> {
    if (!fresh && this.cached && Date.now() - this.cached.at < RELOAD_MS) return this.cached.routes;
    const rows = await this.db.query<{ value: { routes: NotifyRoute[] } }>(
      `select value from notify_settings where name = 'routes'`,
    );
    const routes = rows.rows[0]?.value.routes ?? null;
    this.cached = { routes, at: Date.now() };
    return routes;
  }

  /** The next read goes to PostgreSQL: the configuration file was applied on this replica. */
  forget(): void {
    this.cached = null;
  }

  /** Validates (400 naming the path of each bad field, nothing stored) and replaces the whole list. */
  async replace(body: unknown, who: string): Promise<NotifyRoute[]> {
    const parsed = routesBodySchema.safeParse(body);
    if (!parsed.success) throw validationError(parsed.error, 'routes');
    const targets = await this.knownTargets();
    const unknown = parsed.data.routes.flatMap((route, index) =>
      route.to.flatMap((to, position) => {
        const at = ['routes', index, 'to', position];
        const issues = targets.includes(to.target)
          ? []
          : [{ path: [...at, 'target'], message: `no target "${to.target}"` }];
        if (to.fallback === undefined) return issues;
        if (to.fallback === to.target)
          issues.push({ path: [...at, 'fallback'], message: 'a send cannot fall back to its own target' });
        else if (!targets.includes(to.fallback))
          issues.push({ path: [...at, 'fallback'], message: `no target "${to.fallback}"` });
        else if (!this.fallbackTargets().includes(to.fallback))
          issues.push({
            path: [...at, 'fallback'],
            message: `"${to.fallback}" is an on-call target: it cannot stand in`,
          });
        return issues;
      }),
    );
    if (unknown.length > 0) throw validationError({ issues: unknown }, 'routes');
    await this.db.transaction((client) => writeSetting(client, 'routes', { routes: parsed.data.routes }, who));
    this.cached = { routes: parsed.data.routes, at: Date.now() };
    return parsed.data.routes;
  }

  /** Back to the default routing (the stored list removed; the change logged). */
  async reset(who: string): Promise<void> {
    if ((await this.stored(true)) === null)
      throw new HubError('HUB_ERR_NOT_FOUND', 'no stored routes: the default routing is in force');
    await this.db.transaction((client) => writeSetting(client, 'routes', null, who));
    this.cached = { routes: null, at: Date.now() };
  }
}
