import { coreSecrets, parseCoreConfig, type CoreConfig } from './config/config.js';
import type { Env } from './config/env.js';
import { parseOpsConfig, type OpsConfig } from './config/ops-config.js';
import { ConfigError } from './errors.js';
import { Redactor } from './logging/redact.js';
import type { AnyModuleDefinition } from './module-system/contract.js';
import { resolveDeliveryOverrides } from './module-system/overrides.js';
import { parseModuleConfigs, validateDefinitions } from './module-system/registry.js';

/** Everything the environment says, parsed once at boot: the core's, the operator side's and each module's. */
export interface HubSettings {
  core: Readonly<CoreConfig>;
  ops: OpsConfig;
  moduleConfigs: Map<string, unknown>;
  /** DELIVERY_*_<MODULE> overrides, matched to module names. */
  deliveryOverrides: ReturnType<typeof resolveDeliveryOverrides>['overrides'];
  /** Knows every secret the settings hold, so no log line, page or answer shows one. */
  redactor: Redactor;
}

/**
 * Checks the module list and parses the whole environment; every problem found is listed at once in one
 * ConfigError, so an operator fixes them in one go instead of one restart each.
 */
export function parseHubSettings(env: Env, modules: readonly AnyModuleDefinition[]): HubSettings {
  validateDefinitions(modules);
  const core = parseCoreConfig(env);
  const moduleConfigs = parseModuleConfigs(modules, env);
  const overrides = resolveDeliveryOverrides(
    modules.map((definition) => definition.name),
    core.ok ? core.value.deliveryOverrides : {},
  );
  const ops = parseOpsConfig(env);
  const problems = [
    ...(core.ok ? [] : core.problems),
    ...moduleConfigs.problems,
    ...overrides.problems,
    ...(ops.ok ? [] : ops.problems),
  ];
  if (!core.ok || !ops.ok || problems.length > 0) throw new ConfigError(problems);
  const redactor = new Redactor([
    ...coreSecrets(core.value, env),
    ...(ops.value.metricsToken ? [ops.value.metricsToken] : []),
  ]);
  for (const definition of modules) {
    const secrets = definition.secrets?.(moduleConfigs.configs.get(definition.name)) ?? [];
    redactor.addSecrets(secrets.filter((value): value is string => typeof value === 'string'));
  }
  return {
    core: Object.freeze(core.value),
    ops: ops.value,
    moduleConfigs: moduleConfigs.configs,
    deliveryOverrides: overrides.overrides,
    redactor,
  };
}
