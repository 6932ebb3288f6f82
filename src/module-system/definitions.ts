import { describeIssues, type Env } from '../config/env.js';
import { EVENT_TYPES, type EventType } from '../events/types.js';
import type { AnyModuleDefinition } from './contract.js';
import { NAME_PATTERN } from './names.js';

/** Checks the explicit module list at boot: unique names, known event types. Throws one message for all problems. */
export function validateDefinitions(definitions: readonly AnyModuleDefinition[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const definition of definitions) {
    if (!NAME_PATTERN.test(definition.name))
      problems.push(`module "${definition.name}": name must match ${NAME_PATTERN}`);
    if (definition.name === 'core') problems.push('module "core": the name is the hub\'s own');
    if (seen.has(definition.name)) problems.push(`module "${definition.name}" is listed twice`);
    seen.add(definition.name);
    for (const type of definition.events as readonly EventType[]) {
      if (!(EVENT_TYPES as readonly string[]).includes(type)) {
        problems.push(`module "${definition.name}" subscribes to unknown event type "${type}"`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`invalid module list:\n  ${problems.join('\n  ')}`);
}

/** Parses every module's slice of the environment; returns configs and all problems together. */
export function parseModuleConfigs(
  definitions: readonly AnyModuleDefinition[],
  env: Env,
): { configs: Map<string, unknown>; problems: string[] } {
  const configs = new Map<string, unknown>();
  const problems: string[] = [];
  for (const definition of definitions) {
    if (!definition.configSchema) {
      configs.set(definition.name, {});
      continue;
    }
    const parsed = definition.configSchema.safeParse(env);
    if (parsed.success) configs.set(definition.name, parsed.data);
    else problems.push(...describeIssues(parsed.error, `[${definition.name}] `));
  }
  return { configs, problems };
}

/** DISABLED_SUBSCRIBERS takes our names and the original's dotted module paths. */
export function resolveDisabled(
  definitions: readonly AnyModuleDefinition[],
  names: string[],
): { disabled: Set<string>; unknown: string[] } {
  const disabled = new Set<string>();
  const unknown: string[] = [];
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    const match = definitions.find(
      (definition) =>
        definition.name === name || (definition.legacyNames ?? []).some((legacy) => legacy.toLowerCase() === name),
    );
    if (match) disabled.add(match.name);
    else unknown.push(raw);
  }
  return { disabled, unknown };
}
