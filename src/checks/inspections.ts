import type { Env } from '../config/env.js';
import { HubError } from '../errors.js';
import { DEFAULT_THRESHOLDS } from '../events/alert-state.js';
import type { ScheduledWork } from '../module-system/contract.js';
import type { AnyInspection } from '../module-system/inspection-contract.js';
import { NAME_PATTERN } from '../module-system/names.js';
import { listRuns } from '../store/check-runs-repo.js';
import {
  allCentralValues,
  centralValues,
  changeValues,
  parameterChanges,
} from '../store/inspection-parameters-repo.js';
import { listStates, listTransitions } from '../store/inspection-state-repo.js';
import {
  DEFAULT_INSPECTION_TIMEOUT_MS,
  runInspection,
  type InspectionEntry,
  type RunnerDeps,
} from './inspection-runner.js';
import { InspectionParameters } from './parameters.js';

export interface ScheduleInfo {
  cron: string | null;
  intervalSeconds: number | null;
}

/**
 * Every inspection of the hub (modules' and the core's own), by id `<owner>.<name>`: turned into scheduled
 * work for the scheduler, listed with parameters, schedule, last run and key states, and given central
 * parameter values by operators.
 */
export class Inspections {
  private readonly byId = new Map<string, InspectionEntry>();
  readonly problems: string[] = [];
  private scheduleOf: (id: string) => ScheduleInfo | undefined = () => undefined;

  constructor(
    declared: Array<{ owner: string; inspection: AnyInspection }>,
    env: Env,
    private readonly deps: RunnerDeps,
  ) {
    for (const { owner, inspection } of declared) {
      const id = `${owner}.${inspection.name}`;
      if (!NAME_PATTERN.test(inspection.name))
        this.problems.push(`inspection "${id}": name must match ${NAME_PATTERN}`);
      if (this.byId.has(id)) this.problems.push(`inspection "${id}" is declared twice`);
      const parameters = new InspectionParameters(id, inspection, env);
      this.problems.push(...parameters.problems);
      this.byId.set(id, { id, owner, inspection, parameters });
    }
  }

  /** As scheduled work (the scheduler checks `every`, applies SCHEDULE_<ID> and runs each tick once across replicas). */
  scheduledWork(): Array<{ owner: string; work: ScheduledWork }> {
    return [...this.byId.values()].map((entry) => ({
      owner: entry.owner,
      work: {
        name: entry.inspection.name,
        cron: entry.inspection.every,
        timeoutMs: entry.inspection.timeoutMs ?? DEFAULT_INSPECTION_TIMEOUT_MS,
        run: (context) => runInspection(this.deps, entry, context),
      },
    }));
  }

  /** The schedules in force (after SCHEDULE_<ID> overrides), for the listing. */
  useSchedules(lookup: (id: string) => ScheduleInfo | undefined): void {
    this.scheduleOf = lookup;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Each inspection by id, as declared: a configuration file's parameters are checked against them. */
  declared(): Record<string, AnyInspection> {
    return Object.fromEntries([...this.byId.values()].map((entry) => [entry.id, entry.inspection]));
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  async list() {
    const ids = this.ids();
    const central = await allCentralValues(this.deps.db);
    const states = await listStates(this.deps.db, ids);
    return Promise.all(
      [...this.byId.values()].map(async (entry) => {
        const last = await listRuns(this.deps.db, entry.id, 1);
        return {
          id: entry.id,
          owner: entry.owner,
          title: entry.inspection.title,
          description: entry.inspection.description,
          every: entry.inspection.every,
          schedule: this.scheduleOf(entry.id) ?? null,
          thresholds: { ...DEFAULT_THRESHOLDS, ...entry.inspection.thresholds },
          parameters: entry.parameters.view(central.get(entry.id) ?? {}),
          lastRun: last.runs[0] ?? null,
          keys: states
            .filter((state) => state.check === entry.id)
            .map((state) => ({
              key: state.key,
              dimensions: state.dimensions,
              status: state.status,
              alerting: state.alertStatus !== null,
              alertStatus: state.alertStatus,
              since: state.since,
              title: state.title,
              updatedAt: state.updatedAt,
            })),
          link: this.deps.alerts.linkFor(entry.id),
        };
      }),
    );
  }

  /** Sets central values (validated; 400 naming the parameter), recorded with what changed, secrets masked. */
  async setParameters(id: string, body: unknown) {
    const entry = this.entry(id);
    const values = entry.parameters.validate(body);
    await this.deps.db.transaction(async (client) => {
      const before = await centralValues(client, id);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [name, value] of Object.entries(values)) {
        if (JSON.stringify(before[name]?.value) === JSON.stringify(value)) continue;
        changes[name] = {
          from: entry.parameters.mask(name, before[name]?.value ?? null),
          to: entry.parameters.mask(name, value),
        };
      }
      await changeValues(client, id, values, [], changes);
    });
    return this.parametersOf(id);
  }

  /** Back to env or the default. */
  async deleteParameter(id: string, name: string) {
    const entry = this.entry(id);
    if (!entry.parameters.has(name)) throw new HubError('HUB_ERR_NOT_FOUND', `"${name}" is not a parameter of ${id}`);
    await this.deps.db.transaction(async (client) => {
      const before = await centralValues(client, id);
      if (!before[name]) return;
      await changeValues(client, id, {}, [name], {
        [name]: { from: entry.parameters.mask(name, before[name].value), to: null },
      });
    });
    return this.parametersOf(id);
  }

  async parametersOf(id: string) {
    const entry = this.entry(id);
    return {
      id,
      parameters: entry.parameters.view(await centralValues(this.deps.db.pool, id)),
      changes: await parameterChanges(this.deps.db, id, 20),
    };
  }

  async transitions(id: string, limit: number) {
    this.entry(id);
    return listTransitions(this.deps.db, id, limit);
  }

  private entry(id: string): InspectionEntry {
    const entry = this.byId.get(id);
    if (!entry) throw new HubError('HUB_ERR_NOT_FOUND', `no inspection "${id}"`);
    return entry;
  }
}
