import { hideUrlSecrets } from '../logging/redact.js';
import type { AnyModuleDefinition } from '../module-system/contract.js';
import { SECRET_NAME } from '../ops/module-config-values.js';
import { isPlainMap } from './merge.js';

/**
 * Which values of a file must come from the environment. The rule is the hub's own, not a second list: a
 * setting whose name says secret (the read-backs' rule, SECRET_NAME), one its module's schema marks
 * `.meta({ secret: true })` (the rule the configuration reference and redaction follow), an inspection's
 * declared `secrets`, and any value the redactor would hide (a password or token inside a URL, a Slack
 * webhook's path).
 */
export function isSecretValue(
  document: Record<string, unknown>,
  path: readonly (string | number)[],
  raw: unknown,
  modules: readonly AnyModuleDefinition[] | undefined,
  inspections?: Readonly<Record<string, { secrets?: readonly string[] }>>,
): boolean {
  const setting = settingAt(document, path);
  if (!setting) return false;
  if (SECRET_NAME.test(setting.key)) return true;
  const inspection =
    setting.inspection && inspections && Object.hasOwn(inspections, setting.inspection)
      ? inspections[setting.inspection]
      : undefined;
  if (inspection?.secrets?.includes(setting.key)) return true;
  const module = setting.module === undefined ? undefined : modules?.find((item) => item.name === setting.module);
  if (module && declaredSecrets(module).has(normalise(setting.key))) return true;
  return typeof raw === 'string' && hideUrlSecrets(raw) !== raw;
}

/** The setting a path is inside (its name and the module it configures), or null outside settings. */
function settingAt(
  document: Record<string, unknown>,
  path: readonly (string | number)[],
): { key: string; module?: string; inspection?: string } | null {
  const [section, name, third, key] = path;
  if (section === 'targets' && third === 'settings' && key !== undefined) {
    const targets = document.targets;
    const target = isPlainMap(targets) && Object.hasOwn(targets, String(name)) ? targets[String(name)] : undefined;
    const provider = isPlainMap(target) && typeof target.provider === 'string' ? target.provider : undefined;
    return { key: String(key), module: provider };
  }
  if (section === 'modules' && third === 'settings' && key !== undefined)
    return { key: String(key), module: String(name) };
  if (section === 'inspections' && third !== undefined) return { key: String(third), inspection: String(name) };
  return null;
}

const cache = new WeakMap<AnyModuleDefinition, Set<string>>();

/**
 * The module's secret variables, as a file may name them: the variable itself (`SLACK_WEB_HOOK`) or without the
 * module's prefix in any case (`webHook`, `web_hook`); PAGERDUTY_ROUTING_KEY is `routingKey`.
 */
function declaredSecrets(module: AnyModuleDefinition): Set<string> {
  const known = cache.get(module);
  if (known) return known;
  const prefix = `${module.name.toUpperCase()}_`;
  const names = new Set<string>();
  for (const [key, field] of Object.entries(shapeOf(module.configSchema))) {
    const meta = (field as { meta?: () => { secret?: boolean } | undefined }).meta?.();
    if (meta?.secret !== true) continue;
    names.add(normalise(key));
    if (key.startsWith(prefix)) names.add(normalise(key.slice(prefix.length)));
  }
  cache.set(module, names);
  return names;
}

/** The object under a schema's transforms and pipes, as the configuration reference reads it. */
export function shapeOf(schema: unknown): Record<string, unknown> {
  const node = schema as
    | { shape?: Record<string, unknown>; _zod?: { def?: { in?: unknown; innerType?: unknown; schema?: unknown } } }
    | undefined;
  if (!node) return {};
  if (node.shape && typeof node.shape === 'object') return node.shape;
  const def = node._zod?.def;
  return shapeOf(def?.in ?? def?.innerType ?? def?.schema);
}

function normalise(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}
