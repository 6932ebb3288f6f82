import type { AnyModuleDefinition } from '../module-system/contract.js';
import type { AnyInspection } from '../module-system/inspection-contract.js';
import type { z } from 'zod';
import { trialTemplateProblem } from '../notify/templates.js';
import { isPlainMap } from './merge.js';
import type { PathIssue } from './references.js';
import { shapeOf } from './secret-fields.js';

/** An inspection as the loader needs it: its parameters' schema and which of them are secret. */
export type KnownInspection = Pick<AnyInspection, 'parameters' | 'secrets'>;

export interface KnownNames {
  /** Target names the hub has besides the file's; undefined: not checked. */
  targets?: readonly string[];
  modules?: readonly AnyModuleDefinition[];
  /** By id (`endpoints.health`); undefined: inspection parameters are not checked. */
  inspections?: Readonly<Record<string, KnownInspection>>;
}

/** A name given twice: the second place, and the path of the first (the caller turns it into a place). */
export interface DuplicateIssue {
  path: (string | number)[];
  first: (string | number)[];
  what: string;
}

const LISTS = [
  ['routes', 'route'],
  ['silences', 'silence'],
  ['checks', 'check'],
] as const;

/**
 * What the schema cannot see: names given twice in a list, routes to targets that exist nowhere, providers and
 * modules the hub does not have, templates that do not parse. Written defensively: it runs on documents the
 * schema refused as well, so one run lists every problem.
 */
export function checkMeaning(
  document: Record<string, unknown>,
  known: KnownNames,
): { issues: PathIssue[]; duplicates: DuplicateIssue[] } {
  const issues: PathIssue[] = [];
  const duplicates: DuplicateIssue[] = [];
  for (const [section, what] of LISTS) {
    const list = document[section];
    if (!Array.isArray(list)) continue;
    const seen = new Map<string, number>();
    list.forEach((item, index) => {
      const name = isPlainMap(item) && typeof item.name === 'string' ? item.name.trim() : undefined;
      if (name === undefined) return;
      const first = seen.get(name);
      if (first === undefined) seen.set(name, index);
      else
        duplicates.push({ path: [section, index, 'name'], first: [section, first, 'name'], what: `${what} "${name}"` });
    });
  }

  const providers = known.modules?.filter((module) => module.notification).map((module) => module.name);
  const fileTargets = isPlainMap(document.targets) ? document.targets : {};
  if (providers)
    for (const [name, target] of Object.entries(fileTargets)) {
      const provider = isPlainMap(target) ? target.provider : undefined;
      if (typeof provider === 'string' && !providers.includes(provider))
        issues.push({
          path: ['targets', name, 'provider'],
          message: `no provider "${provider}"; providers: ${providers.join(', ')}`,
        });
    }

  const hubTargets = known.targets ?? providers;
  if (hubTargets && Array.isArray(document.routes))
    document.routes.forEach((route, index) => {
      const to = isPlainMap(route) && Array.isArray(route.to) ? route.to : [];
      to.forEach((send, sendIndex) => {
        const target = isPlainMap(send) ? send.target : undefined;
        if (typeof target !== 'string' || Object.hasOwn(fileTargets, target) || hubTargets.includes(target)) return;
        const names = [...Object.keys(fileTargets), ...hubTargets];
        issues.push({
          path: ['routes', index, 'to', sendIndex, 'target'],
          message: `no target "${target}" in the file or the hub; targets: ${names.join(', ') || '(none)'}`,
        });
      });
    });

  if (isPlainMap(document.templates))
    for (const [provider, kinds] of Object.entries(document.templates)) {
      if (providers && !providers.includes(provider))
        issues.push({
          path: ['templates', provider],
          atKey: true,
          message: `no provider "${provider}"; providers: ${providers.join(', ')}`,
        });
      if (!isPlainMap(kinds)) continue;
      for (const [kind, template] of Object.entries(kinds)) {
        const problem = typeof template === 'string' ? trialTemplateProblem(template) : null;
        if (problem) issues.push({ path: ['templates', provider, kind], message: `not a valid template: ${problem}` });
      }
    }

  if (known.modules && isPlainMap(document.modules))
    for (const [name, entry] of Object.entries(document.modules)) {
      const module = known.modules.find((item) => item.name === name);
      if (!module) {
        const names = known.modules.map((item) => item.name).join(', ');
        issues.push({ path: ['modules', name], atKey: true, message: `no module "${name}"; modules: ${names}` });
        continue;
      }
      const settings = isPlainMap(entry) && isPlainMap(entry.settings) ? entry.settings : {};
      const keys = Object.keys(shapeOf(module.configSchema));
      for (const key of Object.keys(settings))
        if (!keys.includes(key))
          issues.push({
            path: ['modules', name, 'settings', key],
            atKey: true,
            message: `not a setting of ${name}; settings: ${keys.join(', ') || '(none)'}`,
          });
    }
  if (known.inspections && isPlainMap(document.inspections))
    checkParameters(document.inspections, known.inspections, issues);
  return { issues, duplicates };
}

/** Each parameter by its inspection's own schema, as `PUT /api/v1/inspections/:id/parameters` checks it. */
function checkParameters(
  given: Record<string, unknown>,
  inspections: Readonly<Record<string, KnownInspection>>,
  issues: PathIssue[],
): void {
  for (const [id, parameters] of Object.entries(given)) {
    const inspection = Object.hasOwn(inspections, id) ? inspections[id] : undefined;
    if (!inspection) {
      const ids = Object.keys(inspections).join(', ') || '(none)';
      issues.push({ path: ['inspections', id], atKey: true, message: `no inspection "${id}"; inspections: ${ids}` });
      continue;
    }
    if (!isPlainMap(parameters)) continue;
    const shape: Record<string, z.ZodType> = inspection.parameters.shape;
    for (const [name, value] of Object.entries(parameters)) {
      const field = Object.hasOwn(shape, name) ? shape[name] : undefined;
      if (!field) {
        const names = Object.keys(shape).join(', ') || '(none)';
        issues.push({
          path: ['inspections', id, name],
          atKey: true,
          message: `not a parameter of ${id}; parameters: ${names}`,
        });
        continue;
      }
      const parsed = field.safeParse(value);
      if (!parsed.success) issues.push({ path: ['inspections', id, name], message: parsed.error.issues[0]!.message });
    }
  }
}
