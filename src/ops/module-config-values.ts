import type { Env } from '../config/env.js';
import { validationError, type HubError } from '../errors.js';
import type { AnyModuleDefinition } from '../module-system/contract.js';

/** How a secret's value is shown in a read-back, and recognised when a client sends the read-back back. */
export const MASK = '***';
/** Names that hold secrets whatever a module declares (a safety net under its `secrets`). */
export const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE)/i;

/** Run-time values over the environment's, by key; null unsets a key. */
export type Overrides = Record<string, string | null>;

/** The environment keys a module's schema reads: the object under its transforms and pipes. */
export function schemaKeys(schema: unknown): string[] {
  const node = schema as
    | { shape?: Record<string, unknown>; _zod?: { def?: { in?: unknown; innerType?: unknown; schema?: unknown } } }
    | undefined;
  if (!node) return [];
  if (node.shape && typeof node.shape === 'object') return Object.keys(node.shape);
  const def = node._zod?.def;
  return schemaKeys(def?.in ?? def?.innerType ?? def?.schema);
}

/** The module's configuration from the environment with `overrides` over it, validated by its own schema. */
export function parseModuleConfig(
  definition: AnyModuleDefinition,
  env: Env,
  overrides: Overrides,
): { ok: true; config: unknown } | { ok: false; error: HubError } {
  if (!definition.configSchema) return { ok: true, config: {} };
  const parsed = definition.configSchema.safeParse(present(effectiveValues(definition, env, overrides)));
  return parsed.success
    ? { ok: true, config: parsed.data }
    : { ok: false, error: validationError(parsed.error, `configuration of ${definition.name}`) };
}

/** The module's keys with the environment's values, run-time values over them (null: unset). */
export function effectiveValues(
  definition: AnyModuleDefinition,
  env: Env,
  overrides: Overrides,
): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  for (const key of schemaKeys(definition.configSchema)) {
    const value = key in overrides ? overrides[key] : env[key];
    values[key] = value === undefined || value === null || value === '' ? null : value;
  }
  return values;
}

/** The keys whose values are secret: by name, or because the module declares the value a secret. */
export function secretKeysOf(
  definition: AnyModuleDefinition,
  env: Env,
  values: Record<string, string | null>,
): string[] {
  const parsed = parseModuleConfig(definition, env, {});
  const declared = new Set<string>();
  for (const candidate of [parsed.ok ? parsed.config : undefined, safeConfig(definition, values)]) {
    if (candidate === undefined) continue;
    for (const secret of definition.secrets?.(candidate) ?? [])
      if (typeof secret === 'string' && secret) declared.add(secret);
  }
  return Object.entries(values)
    .filter(([key, value]) => SECRET_NAME.test(key) || (value !== null && declared.has(value)))
    .map(([key]) => key);
}

function safeConfig(definition: AnyModuleDefinition, values: Record<string, string | null>): unknown {
  const parsed = definition.configSchema?.safeParse(present(values));
  return parsed?.success ? parsed.data : undefined;
}

/** Unset keys are absent, as in the environment. */
function present(values: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== null));
}
