import { applyConfig, type ApplyDeps } from './apply.js';
import { exportDocument } from './export.js';
import { loadConfigPath, loadConfigText, type LoadOptions } from './load.js';
import { Ownership } from './ownership.js';
import { type ConfigProblem } from './problems.js';
import { ConfigReloader, describeProblem, type ReloadOutcome } from './reloader.js';
import { desiredState, diffStates, liveState, type ConfigDiff, type LiveReads } from './state.js';
import type { Inspections } from '../checks/inspections.js';
import type { Logger } from '../logging/logger.js';
import type { AnyModuleDefinition } from '../module-system/contract.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { NotifyHooks } from '../notify/hooks.js';
import { secretKeys } from '../notify/targets.js';
import { secretKeysOf } from '../ops/module-config-values.js';
import type { Silences } from '../silences/silences.js';
import type { Db } from '../store/db.js';
import { listChecks } from '../store/external-checks-repo.js';
import { allCentralValues } from '../store/inspection-parameters-repo.js';
import { storedModuleConfigs } from '../store/ops-repo.js';
import type { ReplicaConfig } from '../store/replicas-repo.js';
import { silencesNotOverAt } from '../store/silences-repo.js';

export interface ConfigFilesDeps {
  db: Db;
  hooks: NotifyHooks;
  silences: Silences;
  inspections: Inspections;
  registry: ModuleRegistry;
  moduleConfigs: ApplyDeps['moduleConfigs'];
  definitions: readonly AnyModuleDefinition[];
  env: Record<string, string | undefined>;
  logger: Logger;
  /** ALVARES_CONFIG, resolved; absent, the hub runs without a file (validate and export still answer). */
  path?: string;
  /** Told after every load, good or not (the heartbeat carries the outcome to the other replicas). */
  onAttempt?: () => void;
}

/**
 * The configuration file in the running hub: its reloader (when ALVARES_CONFIG is set), what it owns, and the
 * validate and export answers. Every replica runs one with its own copy of the file.
 */
export class ConfigFiles {
  readonly ownership: Ownership;
  readonly reloader: ConfigReloader | null;

  constructor(private readonly deps: ConfigFilesDeps) {
    this.ownership = new Ownership(deps.db);
    this.reloader = deps.path
      ? new ConfigReloader({
          path: deps.path,
          load: (pathOrDir) => loadConfigPath(pathOrDir, deps.env, this.loadOptions()),
          apply: (config) =>
            applyConfig(
              {
                db: deps.db,
                ownership: this.ownership,
                hooks: deps.hooks,
                silences: deps.silences,
                inspections: deps.inspections,
                modules: deps.registry,
                moduleConfigs: deps.moduleConfigs,
                readLive: () => this.readLive(),
                logger: deps.logger,
              },
              { document: config.document, hash: config.hash, file: deps.path! },
            ),
          logger: deps.logger.child({ module: 'config-file' }),
          onAttempt: () => deps.onAttempt?.(),
        })
      : null;
  }

  /** Loads and applies the file, if there is one; an invalid file throws the ConfigError that stops start-up. */
  async start(): Promise<void> {
    await this.reloader?.start();
  }

  stop(): void {
    this.reloader?.stop();
  }

  reload(reason: string): Promise<ReloadOutcome> | null {
    return this.reloader?.reload(reason) ?? null;
  }

  /** What this replica's heartbeat says of its file. */
  replicaConfig(): ReplicaConfig | null {
    if (!this.reloader) return null;
    const { hash, ok, problems } = this.reloader.status;
    return {
      hash,
      file: this.reloader.path,
      problem: ok ? null : problems.slice(0, 3).map(describeProblem).join('; ').slice(0, 1000),
    };
  }

  /** A posted file: the same problems as the command line, or the diff against the live configuration. */
  async validate(
    text: string,
  ): Promise<{ ok: true; diff: ConfigDiff; hash: string } | { ok: false; problems: ConfigProblem[] }> {
    const file = this.deps.path ?? 'posted.yaml';
    const loaded = loadConfigText(text, file, this.deps.env, this.loadOptions());
    if (!loaded.ok) return loaded;
    const diff = diffStates(desiredState(loaded.config.document, file), liveState(await this.readLive()));
    return { ok: true, diff, hash: loaded.config.hash };
  }

  /** The live configuration as a file. */
  async exportYaml(): Promise<string> {
    return exportDocument({
      live: await this.readLive(),
      current: this.reloader?.config ?? null,
      secretParameter: (inspection, name) => this.isSecretParameter(inspection, name),
      moduleSecrets: (module, values) => {
        const definition = this.deps.definitions.find((candidate) => candidate.name === module);
        return definition ? secretKeysOf(definition, this.deps.env, values) : Object.keys(values);
      },
      targetSecrets: (provider) => {
        const kind = this.deps.hooks.kindOf(provider);
        return kind ? secretKeys(kind) : [];
      },
    });
  }

  /** Every live object the file can hold, read fresh. */
  async readLive(): Promise<LiveReads> {
    this.ownership.forget();
    const routes = this.deps.hooks.routes;
    const templates = this.deps.hooks.templates;
    routes?.forget();
    templates?.forget();
    const [owned, targets, stored, allTemplates, silences, checks, parameters, moduleConfigs] = await Promise.all([
      this.ownership.all(),
      this.deps.hooks.targetBook ? this.deps.hooks.targetBook.all(true) : Promise.resolve([]),
      routes ? routes.stored() : Promise.resolve(null),
      templates ? templates.all() : Promise.resolve(new Map<string, string>()),
      silencesNotOverAt(this.deps.db, new Date()),
      listChecks(this.deps.db),
      allCentralValues(this.deps.db),
      storedModuleConfigs(this.deps.db),
    ]);
    return {
      owned,
      targets,
      routes: stored,
      templates: allTemplates,
      silences,
      checks,
      parameters,
      modules: this.deps.registry.statuses().map((status) => ({ name: status.name, enabled: status.enabled })),
      moduleConfigs,
    };
  }

  private loadOptions(): LoadOptions {
    return {
      knownTargets: this.deps.hooks.targets().map((target) => target.name),
      modules: this.deps.definitions,
      inspections: this.deps.inspections.declared(),
    };
  }

  private async isSecretParameter(inspection: string, name: string): Promise<boolean> {
    if (!this.deps.inspections.has(inspection)) return false;
    const { parameters } = await this.deps.inspections.parametersOf(inspection);
    return parameters.find((parameter) => parameter.name === name)?.secret ?? false;
  }
}
