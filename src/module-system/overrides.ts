import type { DeliveryPolicy } from '../config/config.js';

/**
 * The suffix a name takes in an environment variable: `slow-serial` -> `SLOW_SERIAL`, `core.prune` ->
 * `CORE_PRUNE`. Used by every per-module and per-schedule override, so one rule names them all.
 */
export function envSuffix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Matches DELIVERY_*_<MODULE> overrides (parsed by the core config, keyed by the lower-cased suffix) to the
 * modules of the list. An override naming no module is a problem reported at start-up, not ignored.
 */
export function resolveDeliveryOverrides(
  moduleNames: readonly string[],
  raw: Record<string, Partial<DeliveryPolicy>>,
): { overrides: Record<string, Partial<DeliveryPolicy>>; problems: string[] } {
  const bySuffix = new Map(moduleNames.map((name) => [envSuffix(name), name]));
  const overrides: Record<string, Partial<DeliveryPolicy>> = {};
  const problems: string[] = [];
  for (const [suffix, policy] of Object.entries(raw)) {
    const name = bySuffix.get(suffix.toUpperCase());
    if (name) overrides[name] = policy;
    else {
      const fields = Object.keys(policy).map(
        (field) => `DELIVERY_${FIELD_VARIABLES[field as keyof DeliveryPolicy]}_${suffix.toUpperCase()}`,
      );
      problems.push(
        `${fields.join(', ')}: no module of that name (known: ${[...bySuffix.keys()].join(', ') || 'none'})`,
      );
    }
  }
  return { overrides, problems };
}

const FIELD_VARIABLES: Record<keyof DeliveryPolicy, string> = {
  maxAttempts: 'MAX_ATTEMPTS',
  maxAgeSeconds: 'MAX_AGE_SECONDS',
  timeoutMs: 'TIMEOUT_MS',
};
