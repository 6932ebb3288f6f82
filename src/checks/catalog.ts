import { HubError } from '../errors.js';
import { severity } from '../events/alert-state.js';
import type { CheckKind, CheckStatus } from '../events/types.js';
import {
  checkErrors,
  findRun,
  listRuns,
  runSummaries,
  type RunCursor,
  type RunSummary,
} from '../store/check-runs-repo.js';
import type { Db } from '../store/db.js';
import { listChecks } from '../store/external-checks-repo.js';
import { listStates, type KeyState } from '../store/inspection-state-repo.js';
import { listModuleRuns, moduleErrors, moduleSummaries } from '../store/module-runs-repo.js';
import type { AlertBook } from './alert-book.js';
import type { Inspections } from './inspections.js';
import { isPostgresTimeText } from '../util/input-rules.js';

export interface CheckView {
  name: string;
  kind: CheckKind;
  description: string | null;
  inProgress: number;
  openSince: string | null;
  lastResult: RunSummary['lastResult'];
  alert: {
    state: 'ok' | 'alerting';
    status: CheckStatus | null;
    alertingKeys: number;
    keys: number;
    since: string | null;
  };
  link: string;
}

/**
 * One model over every check of the hub: modules (their deliveries are their runs), inspections and
 * external checks, each listed with runs in progress, its last result and its alert state.
 */
export class CheckCatalog {
  constructor(
    private readonly deps: {
      db: Db;
      alerts: AlertBook;
      inspections: Inspections;
      modules: () => Array<{ name: string; description: string }>;
    },
  ) {}

  async list(): Promise<CheckView[]> {
    const { db } = this.deps;
    const modules = this.deps.modules();
    const external = await listChecks(db);
    const inspections = this.deps.inspections.ids();
    const runChecks = [...inspections, ...external.map((c) => c.name)];
    const [moduleRuns, checkRuns, states] = await Promise.all([
      moduleSummaries(
        db,
        modules.map((m) => m.name),
      ),
      runSummaries(db, runChecks),
      listStates(db, runChecks),
    ]);
    const view = (
      name: string,
      kind: CheckKind,
      description: string | null,
      summary: RunSummary | undefined,
    ): CheckView => ({
      name,
      kind,
      description,
      inProgress: summary?.inProgress ?? 0,
      openSince: summary?.openSince ?? null,
      lastResult: summary?.lastResult ?? null,
      alert: alertOf(states.filter((s) => s.check === name)),
      link: this.deps.alerts.linkFor(name),
    });
    const descriptions = new Map((await this.deps.inspections.list()).map((i) => [i.id, i.title]));
    return [
      ...modules.map((m) => view(m.name, 'module', m.description, moduleRuns.get(m.name))),
      ...inspections.map((id) => view(id, 'inspection', descriptions.get(id) ?? null, checkRuns.get(id))),
      ...external.map((c) => view(c.name, 'external', c.description, checkRuns.get(c.name))),
    ];
  }

  async kindOf(name: string): Promise<CheckKind> {
    if (this.deps.modules().some((m) => m.name === name)) return 'module';
    if (this.deps.inspections.has(name)) return 'inspection';
    if ((await listChecks(this.deps.db)).some((c) => c.name === name)) return 'external';
    throw new HubError('HUB_ERR_NOT_FOUND', `no check "${name}"`);
  }

  async runs(name: string, limit: number, cursor?: RunCursor) {
    const kind = await this.kindOf(name);
    const page =
      kind === 'module'
        ? await listModuleRuns(this.deps.db, name, limit, cursor)
        : await listRuns(this.deps.db, name, limit, cursor);
    return { check: name, kind, runs: page.runs, next: page.next ? encodeCursor(page.next) : null };
  }

  /** One run: by the reporter's run id (inspections, external checks) or the delivery id (modules). */
  async run(name: string, runId: string) {
    const kind = await this.kindOf(name);
    if (kind !== 'module') return findRun(this.deps.db.pool, name, runId);
    if (!/^[0-9a-f-]{36}$/i.test(runId)) return null;
    return (await listModuleRuns(this.deps.db, name, 1, undefined, runId)).runs[0] ?? null;
  }

  /** Every check's recent errors, newest first: modules' failed attempts and check runs' errors together. */
  async errors(options: { check?: string; since: Date; limit: number }) {
    const module =
      options.check && this.deps.modules().some((m) => m.name === options.check) ? options.check : undefined;
    const [fromModules, fromRuns] = await Promise.all([
      options.check && !module
        ? Promise.resolve([])
        : moduleErrors(this.deps.db, { ...options, ...(module ? { module } : {}) }),
      module ? Promise.resolve([]) : checkErrors(this.deps.db, options),
    ]);
    return [...fromModules, ...fromRuns].sort((a, b) => b.at.localeCompare(a.at)).slice(0, options.limit);
  }
}

function alertOf(states: KeyState[]): CheckView['alert'] {
  const alerting = states.filter((s) => s.alertStatus !== null);
  const worst = alerting.reduce<CheckStatus | null>(
    (w, s) => (w === null || severity(s.alertStatus!) > severity(w) ? s.alertStatus : w),
    null,
  );
  const since = alerting.map((s) => s.since!).sort()[0] ?? null;
  return {
    state: alerting.length > 0 ? 'alerting' : 'ok',
    status: worst,
    alertingKeys: alerting.length,
    keys: states.length,
    since,
  };
}

export function encodeCursor(cursor: RunCursor): string {
  return Buffer.from(`${cursor.startedAt}|${cursor.id}`).toString('base64url');
}

export function decodeCursor(text: string | undefined): RunCursor | undefined {
  if (!text) return undefined;
  const [startedAt, id] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (!startedAt || !id || !isPostgresTimeText(startedAt) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new HubError('HUB_ERR_BAD_PARAMETER', 'cursor is not one this API handed out', [
      { field: 'cursor', message: 'invalid' },
    ]);
  }
  return { startedAt, id };
}
