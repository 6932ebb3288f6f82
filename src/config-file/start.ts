import { ConfigFiles, type ConfigFilesDeps } from './service.js';
import type { Inspections } from '../checks/inspections.js';
import type { Replicas } from '../delivery/replicas.js';
import type { Logger } from '../logging/logger.js';
import type { AnyModuleDefinition } from '../module-system/contract.js';
import type { ModuleRegistry } from '../module-system/registry.js';
import type { NotifyHooks } from '../notify/hooks.js';
import type { HubMetrics } from '../ops/metrics.js';
import type { Silences } from '../silences/silences.js';
import type { Db } from '../store/db.js';

/**
 * The hub's step for its configuration file: made once the objects it configures exist (the store, silences,
 * the modules and their targets, the inspections), loaded and applied before deliveries start, so the first
 * event is routed as the file says. Its outcome rides on the heartbeat and on /metrics.
 */
export async function openConfigFiles(deps: {
  db: Db;
  path: string | undefined;
  env: Record<string, string | undefined>;
  definitions: readonly AnyModuleDefinition[];
  hooks: NotifyHooks;
  silences: Silences;
  inspections: Inspections;
  registry: ModuleRegistry;
  moduleConfigs: ConfigFilesDeps['moduleConfigs'];
  replicas: Replicas;
  metrics: HubMetrics;
  logger: Logger;
}): Promise<ConfigFiles> {
  const files = new ConfigFiles({
    db: deps.db,
    hooks: deps.hooks,
    silences: deps.silences,
    inspections: deps.inspections,
    registry: deps.registry,
    moduleConfigs: deps.moduleConfigs,
    definitions: deps.definitions,
    env: deps.env,
    logger: deps.logger,
    ...(deps.path ? { path: deps.path } : {}),
    onAttempt: () => void deps.replicas.beatNow(),
  });
  // Registered with no file too (then with no samples): the metrics a hub can give are the same on every hub.
  const status = () => files.reloader?.status ?? null;
  deps.metrics.addGauge({
    name: 'alvares_config_reload_success',
    help: 'Whether the last load of the configuration file (ALVARES_CONFIG) succeeded (1) or failed and changed nothing (0).',
    labelNames: [],
    read: () => (status() ? [{ labels: {}, value: status()!.ok ? 1 : 0 }] : []),
  });
  deps.metrics.addGauge({
    name: 'alvares_config_reload_timestamp_seconds',
    help: 'When the configuration file was last loaded, successfully or not (Unix seconds).',
    labelNames: [],
    read: () => (status()?.at ? [{ labels: {}, value: status()!.at!.getTime() / 1000 }] : []),
  });
  deps.metrics.addGauge({
    name: 'alvares_config_hash_info',
    help: 'The configuration file in force on this replica: its hash as a label, value 1.',
    labelNames: ['hash'],
    read: () => (status()?.hash ? [{ labels: { hash: status()!.hash! }, value: 1 }] : []),
  });
  if (!files.reloader) return files;
  deps.replicas.configWith(() => files.replicaConfig()!);
  await files.start();
  return files;
}
