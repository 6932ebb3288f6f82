import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { HubError } from '../errors.js';
import { parseSlackChannels } from '../events/enrich.js';
import { NAME_PATTERN } from '../module-system/names.js';
import { addRunErrors, findRun, finishRun, setResult, startRun, type RunView } from '../store/check-runs-repo.js';
import type { Db, Queryable } from '../store/db.js';
import { findCheck, markReported, upsertCheck, type ExternalCheck } from '../store/external-checks-repo.js';
import type { HubStream } from '../stream/hub-stream.js';
import type { AlertBook } from './alert-book.js';
import { CHECK_BODIES, parseCheckBody } from './external-check-schemas.js';

const hash = (token: string) => createHash('sha256').update(token).digest();

/**
 * Checks run by tools outside the hub (the scoring system's "external service checks"): created by an
 * admin, each with a token of its own (shown once, stored as its sha256, compared in constant time); the
 * tool reports a run in progress (the spinner), its result, errors and done. Results go through the same
 * alert state machine as inspections'.
 */
export class ExternalChecks {
  constructor(
    private readonly deps: {
      db: Db;
      alerts: AlertBook;
      stream: HubStream;
      adminToken?: string;
      isReserved: (name: string) => boolean;
    },
  ) {}

  async put(
    name: string,
    body: unknown,
  ): Promise<{ name: string; token?: string; check: ExternalCheck; created: boolean }> {
    if (!NAME_PATTERN.test(name)) {
      throw new HubError('HUB_ERR_VALIDATION', `invalid check name "${name}"`, [
        { field: 'name', message: `must match ${NAME_PATTERN}` },
      ]);
    }
    if (this.deps.isReserved(name))
      throw new HubError('HUB_ERR_CONFLICT', `"${name}" is a module of this hub; choose another name`);
    const { slackChannels, rotateToken: _rotate, ...settings } = parseCheckBody(CHECK_BODIES.settings, body, 'check');
    const token = randomBytes(32).toString('base64url');
    const { check, created } = await upsertCheck(
      this.deps.db,
      name,
      { ...settings, ...(slackChannels !== undefined ? { slackChannels: parseSlackChannels(slackChannels) } : {}) },
      hash(token),
      _rotate === true,
    );
    return { name, ...(created || _rotate ? { token } : {}), check, created };
  }

  /** 404 for an unknown check, 401 unless the bearer is the admin token or the check's own. */
  async authorize(name: string, authorization: string | undefined): Promise<ExternalCheck> {
    const check = await findCheck(this.deps.db.pool, name);
    if (!check) throw new HubError('HUB_ERR_NOT_FOUND', `no check "${name}"`);
    const given = hash(/^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '');
    const admin = this.deps.adminToken ? hash(this.deps.adminToken) : null;
    if (!timingSafeEqual(given, check.tokenHash) && !(admin && timingSafeEqual(given, admin))) {
      throw new HubError(
        'HUB_ERR_UNAUTHORIZED',
        `reporting to "${name}" needs Authorization: Bearer <the check's token>`,
        undefined,
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
    return check;
  }

  async start(check: ExternalCheck, body: unknown): Promise<{ run: RunView; created: boolean }> {
    const input = parseCheckBody(CHECK_BODIES.start, body, 'run');
    const id = randomUUID();
    const started = await this.deps.db.transaction(async (client) => {
      const found = await startRun(client, {
        id,
        check: check.name,
        kind: 'external',
        externalId: input.runId ?? id,
        target: input.target ?? null,
        dimensions: input.dimensions ?? {},
        maxRuntimeSeconds: check.maxRuntimeSeconds,
      });
      await markReported(client, check.name);
      return found;
    });
    if (started.created) this.announce(started.run);
    return started;
  }

  async result(check: ExternalCheck, runId: string, body: unknown): Promise<RunView> {
    const input = parseCheckBody(CHECK_BODIES.result, body, 'result');
    return this.deps.db.transaction(async (client) => {
      await this.openRun(client, check.name, runId);
      await setResult(client, check.name, runId, input);
      if (input.error) await addRunErrors(client, check.name, runId, [{ error: input.error }]);
      await markReported(client, check.name);
      return (await findRun(client, check.name, runId))!;
    });
  }

  async error(check: ExternalCheck, runId: string, body: unknown): Promise<RunView> {
    const input = parseCheckBody(CHECK_BODIES.error, body, 'error');
    return this.deps.db.transaction(async (client) => {
      await this.openRun(client, check.name, runId);
      await addRunErrors(client, check.name, runId, [input]);
      await markReported(client, check.name);
      return (await findRun(client, check.name, runId))!;
    });
  }

  /** Done twice answers the same; done on a run that timed out is a conflict. */
  async done(check: ExternalCheck, runId: string): Promise<RunView> {
    const existing = await findRun(this.deps.db.pool, check.name, runId);
    if (!existing) throw new HubError('HUB_ERR_NOT_FOUND', `no run "${runId}" of "${check.name}"`);
    if (existing.status === 'completed') return existing;
    return this.complete(check, runId);
  }

  /** For tools that only report a result: a run started, given its result and done, in one request. */
  async oneShot(check: ExternalCheck, body: unknown): Promise<{ run: RunView; created: boolean }> {
    const input = parseCheckBody(CHECK_BODIES.oneShot, body, 'result');
    const id = randomUUID();
    const started = await startRun(this.deps.db.pool, {
      id,
      check: check.name,
      kind: 'external',
      externalId: input.runId ?? id,
      target: input.target ?? null,
      dimensions: input.dimensions ?? {},
      maxRuntimeSeconds: check.maxRuntimeSeconds,
    });
    if (!started.created) return started;
    await this.result(check, started.run.runId, {
      status: input.status,
      score: input.score,
      message: input.message,
      error: input.error,
    });
    return { run: await this.complete(check, started.run.runId), created: true };
  }

  private async complete(check: ExternalCheck, runId: string): Promise<RunView> {
    const { run, recorded } = await this.deps.db.transaction(async (client) => {
      const finished = await finishRun(client, check.name, runId, 'completed');
      if (!finished)
        throw new HubError('HUB_ERR_CONFLICT', `run "${runId}" of "${check.name}" has ended already (timed out)`);
      await markReported(client, check.name);
      const results = finished.result
        ? [
            {
              dimensions: keyDimensions(finished),
              status: finished.result.status,
              title: titleOf(finished),
              message: finished.result.message ?? '',
              slackChannels: check.slackChannels,
            },
          ]
        : [];
      return {
        run: finished,
        recorded: await this.deps.alerts.record(client, { check: check.name, kind: 'external', runId }, results),
      };
    });
    this.deps.alerts.announce(recorded);
    this.announce(run);
    return run;
  }

  private async openRun(client: Queryable, check: string, runId: string): Promise<RunView> {
    const run = await findRun(client, check, runId);
    if (!run) throw new HubError('HUB_ERR_NOT_FOUND', `no run "${runId}" of "${check}"`);
    if (run.status !== 'in_progress' && run.status !== 'queued') {
      throw new HubError(
        'HUB_ERR_CONFLICT',
        `run "${runId}" of "${check}" is ${run.status}; it takes no more results or errors`,
      );
    }
    return run;
  }

  private announce(run: RunView): void {
    this.deps.stream.emit({
      kind: 'run.changed',
      schedule: run.check,
      check: run.check,
      checkKind: 'external',
      runId: run.runId,
      checkStatus: run.status,
      ...(run.result ? { resultStatus: run.result.status } : {}),
      firedAt: run.startedAt,
      status:
        run.status === 'in_progress' || run.status === 'queued'
          ? 'running'
          : run.status === 'completed'
            ? 'succeeded'
            : 'failed',
      ...(run.durationMs !== null ? { durationMs: run.durationMs } : {}),
      at: new Date().toISOString(),
    });
  }
}

/** An external run's key: its dimensions, plus its target when it named one. */
export function keyDimensions(run: RunView): Record<string, string> {
  return { ...run.dimensions, ...(run.target ? { target: run.target } : {}) };
}

export function titleOf(run: RunView): string {
  const where = run.target ? ` (${run.target})` : '';
  const firstLine = (run.result?.message ?? '').split('\n')[0]!.slice(0, 200);
  return `${run.check}${where}: ${run.result?.status ?? 'no result'}${firstLine ? ` – ${firstLine}` : ''}`;
}
