import { HubError } from '../errors.js';
import type { Env } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import { hideUrlSecrets, type Redactor } from '../logging/redact.js';
import type { AnyModuleDefinition } from '../module-system/contract.js';
import type { ModuleRegistry, ModuleStatus } from '../module-system/registry.js';
import { notifyControl, type ControlChannel } from '../store/control-channel.js';
import type { Db } from '../store/db.js';
import {
  effectiveValues,
  MASK,
  parseModuleConfig,
  schemaKeys,
  secretKeysOf,
  type Overrides,
} from './module-config-values.js';
import {
  configChanges,
  storedModuleConfigs,
  writeModuleConfig,
  type ConfigChange,
  type StoredModuleConfig,
} from '../store/ops-repo.js';

const POLL_MS = 15_000;

export interface ModuleConfigView {
  module: string;
  /** runtime: set with PUT and kept in PostgreSQL; environment: the process's environment only. */
  source: 'environment' | 'runtime';
  /** Every key the module reads, with its value in force; secrets as `***`, unset as null. */
  values: Record<string, string | null>;
  /** Keys set at run time. */
  overridden: string[];
  secretKeys: string[];
  updatedAt: string | null;
  status: ModuleStatus;
}

/**
 * Module configuration set at run time, the same on every replica: environment-style keys over the
 * environment's values, validated by the module's own schema, kept in ops_module_config, applied by
 * restarting only that module (the registry's `reconfigure`) on each hub. Every change is logged in
 * ops_config_changes with its keys, never its values.
 */
export class ModuleConfigControl {
  /** Module -> version applied here (the change id; 0 = the environment). */
  private readonly applied = new Map<string, number>();
  private syncing: Promise<void> = Promise.resolve();
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      /** The store, once open. */
      db: () => Db;
      env: Env;
      definitions: readonly AnyModuleDefinition[];
      redactor: Redactor;
      logger: Logger;
      hubId: () => string;
    },
  ) {}

  /** Before the modules start: their configs with what was set at run time, so they start with it. */
  async initialConfigs(configs: Map<string, unknown>): Promise<void> {
    for (const stored of await storedModuleConfigs(this.deps.db())) {
      const definition = this.deps.definitions.find((candidate) => candidate.name === stored.module);
      if (!definition) continue;
      const parsed = parseModuleConfig(definition, this.deps.env, stored.overrides);
      if (!parsed.ok) {
        this.deps.logger.warn('run-time configuration no longer valid; using the environment', {
          module: stored.module,
          keys: Object.keys(stored.overrides),
        });
        continue;
      }
      configs.set(definition.name, parsed.config);
      this.applied.set(definition.name, stored.version);
    }
  }

  /** Follows changes made on other replicas. */
  start(channel: ControlChannel, registry: ModuleRegistry): void {
    this.registry = registry;
    const sync = () => void this.sync();
    channel.on('module-config', sync);
    channel.on('reconnected', sync);
    this.poll = setInterval(sync, POLL_MS);
    this.poll.unref();
  }

  stop(): void {
    if (this.poll) clearInterval(this.poll);
  }

  private registry: ModuleRegistry | null = null;

  async view(name: string): Promise<ModuleConfigView> {
    const definition = this.definition(name);
    const stored = (await storedModuleConfigs(this.deps.db())).find((row) => row.module === name);
    const values = effectiveValues(definition, this.deps.env, stored?.overrides ?? {});
    const secrets = secretKeysOf(definition, this.deps.env, values);
    return {
      module: name,
      source: stored ? 'runtime' : 'environment',
      values: Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
          key,
          value === null ? null : secrets.includes(key) ? MASK : hideUrlSecrets(value),
        ]),
      ),
      overridden: stored ? Object.keys(stored.overrides).sort() : [],
      secretKeys: secrets,
      updatedAt: stored?.updatedAt ?? null,
      status: this.requireRegistry()
        .statuses()
        .find((status) => status.name === name)!,
    };
  }

  /** Replaces the run-time values of a module (400 naming the field when its schema refuses them) and restarts it here, then everywhere. */
  async put(
    name: string,
    body: Record<string, string | number | boolean | null>,
    requestId: string | null,
  ): Promise<{ change: ConfigChange; config: ModuleConfigView }> {
    const definition = this.definition(name);
    const keys = schemaKeys(definition.configSchema);
    const unknown = Object.keys(body).filter((key) => !keys.includes(key));
    if (unknown.length > 0) {
      throw new HubError(
        'HUB_ERR_VALIDATION',
        `invalid configuration of ${name}: ${unknown.join(', ')}`,
        unknown.map((field) => ({ field, message: `not a setting of ${name}; settings: ${keys.join(', ')}` })),
      );
    }
    const stored = (await storedModuleConfigs(this.deps.db())).find((row) => row.module === name);
    const before = effectiveValues(definition, this.deps.env, stored?.overrides ?? {});
    const secrets = secretKeysOf(definition, this.deps.env, before);
    const overrides: Overrides = {};
    for (const [key, value] of Object.entries(body)) {
      // A secret sent back as shown (`***`), or a URL as shown (its credentials `***`), keeps its value.
      const previous = before[key];
      const asShown =
        previous !== null && previous !== undefined && value === hideUrlSecrets(previous) && value !== previous;
      overrides[key] =
        (value === MASK && secrets.includes(key)) || asShown ? before[key]! : value === null ? null : String(value);
    }
    const parsed = parseModuleConfig(definition, this.deps.env, overrides);
    if (!parsed.ok) throw parsed.error;
    const after = effectiveValues(definition, this.deps.env, overrides);
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((key) => before[key] !== after[key])
      .sort();
    return this.write(definition, overrides, changed, parsed.config, requestId);
  }

  /** Back to the environment's values. */
  async reset(name: string, requestId: string | null): Promise<{ change: ConfigChange; config: ModuleConfigView }> {
    const definition = this.definition(name);
    const stored = (await storedModuleConfigs(this.deps.db())).find((row) => row.module === name);
    const parsed = parseModuleConfig(definition, this.deps.env, {});
    if (!parsed.ok) throw parsed.error;
    return this.write(definition, null, Object.keys(stored?.overrides ?? {}).sort(), parsed.config, requestId);
  }

  changes(name: string | undefined, limit: number): Promise<ConfigChange[]> {
    if (name !== undefined) this.definition(name);
    return configChanges(this.deps.db(), { module: name, limit });
  }

  /** Applies what PostgreSQL holds wherever this hub is behind; one pass at a time. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      const registry = this.registry;
      if (!registry) return;
      let stored: StoredModuleConfig[];
      try {
        stored = await storedModuleConfigs(this.deps.db());
      } catch (error) {
        this.deps.logger.warn('could not read module configuration', { error: String(error) });
        return;
      }
      for (const definition of this.deps.definitions) {
        const row = stored.find((candidate) => candidate.module === definition.name);
        const version = row?.version ?? 0;
        if ((this.applied.get(definition.name) ?? 0) === version) continue;
        const parsed = parseModuleConfig(definition, this.deps.env, row?.overrides ?? {});
        if (!parsed.ok) {
          this.deps.logger.warn('run-time configuration refused by this hub', {
            module: definition.name,
            error: parsed.error.message,
          });
          this.applied.set(definition.name, version);
          continue;
        }
        try {
          this.remember(definition, parsed.config);
          await registry.reconfigure(definition.name, parsed.config);
        } catch (error) {
          this.deps.logger.error('module did not restart with its new configuration', {
            module: definition.name,
            error: String(error),
          });
        }
        this.applied.set(definition.name, version);
      }
    });
    return this.syncing;
  }

  private async write(
    definition: AnyModuleDefinition,
    overrides: Overrides | null,
    keys: string[],
    config: unknown,
    requestId: string | null,
  ) {
    const registry = this.requireRegistry();
    const change = await this.deps.db().transaction(async (client) => {
      const written = await writeModuleConfig(client, {
        module: definition.name,
        overrides,
        keys,
        hub: this.deps.hubId(),
        requestId,
      });
      this.remember(definition, config);
      try {
        await registry.reconfigure(definition.name, config);
      } catch (error) {
        throw new HubError(
          'HUB_ERR_CONFLICT',
          `${definition.name} did not start with this configuration: ${(error as Error).message}`,
        );
      }
      this.applied.set(definition.name, overrides === null ? 0 : written.id);
      await notifyControl(client, 'module-config');
      return written;
    });
    this.deps.logger.info('module configuration changed', { module: definition.name, action: change.action, keys });
    return { change, config: await this.view(definition.name) };
  }

  /** New secrets are redacted from logs from now on. */
  private remember(definition: AnyModuleDefinition, config: unknown): void {
    const secrets = definition.secrets?.(config) ?? [];
    this.deps.redactor.addSecrets(secrets.filter((value): value is string => typeof value === 'string'));
  }

  private definition(name: string): AnyModuleDefinition {
    const definition = this.deps.definitions.find((candidate) => candidate.name === name);
    if (!definition) throw new HubError('HUB_ERR_NOT_FOUND', `no module "${name}"`);
    return definition;
  }

  private requireRegistry(): ModuleRegistry {
    if (!this.registry) throw new HubError('HUB_ERR_UNAVAILABLE', 'the hub is starting');
    return this.registry;
  }
}
