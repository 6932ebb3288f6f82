import { Document } from 'yaml';
import type { LoadedConfig } from './load.js';
import { apiSilenceName, checkValue } from './state.js';
import type { LiveReads } from './state.js';
import type { SilenceRecord } from '../store/silences-repo.js';

/**
 * The live configuration written as a configuration file, so a team that configured the hub by hand can move
 * to a file: loading the export gives an empty diff. A secret is written as the `${NAME}` reference it came
 * from; a secret set through the API has no name to give, so it is left out and a comment says where.
 */
export async function exportDocument(deps: {
  live: LiveReads;
  current: LoadedConfig | null;
  secretParameter: (inspection: string, name: string) => Promise<boolean>;
  /** A module's secret settings among these values. */
  moduleSecrets: (module: string, values: Record<string, string | null>) => string[];
  /** A provider's secret settings (a stored target's). */
  targetSecrets: (provider: string) => string[];
}): Promise<string> {
  const { live, current } = deps;
  const notes: string[] = [
    ' The live configuration of this hub, exported. Objects made through the API are named as they are',
    ' listed (a silence as api-<id>); loading this file makes the file their owner.',
    ' Not exported: the targets the environment makes (SLACK_TOKEN, TEAMS_WEBHOOK_URL, …).',
  ];
  const body: Record<string, unknown> = {};
  const targets = exportTargets(live, current, deps.targetSecrets, notes);
  if (Object.keys(targets).length > 0) body.targets = targets;
  if (live.routes) body.routes = live.routes;

  const templates: Record<string, Record<string, string>> = {};
  for (const [key, template] of [...live.templates].sort(([a], [b]) => a.localeCompare(b))) {
    const [provider, kind] = key.split(':') as [string, string];
    (templates[provider] ??= {})[kind] = template;
  }
  if (Object.keys(templates).length > 0) body.templates = templates;

  const fileSilences = new Map((current?.document.silences ?? []).map((silence) => [silence.name, silence]));
  const silences: unknown[] = [];
  for (const row of live.owned.filter((owned) => owned.kind === 'silence')) {
    const written = fileSilences.get(row.key);
    const stored = live.silences.find((silence) => silence.id === row.ref);
    if (written) silences.push(written);
    else if (stored) silences.push({ name: row.key, ...silenceFields(stored) });
  }
  const ownedIds = new Set(live.owned.filter((row) => row.kind === 'silence').map((row) => row.ref));
  for (const silence of live.silences)
    if (!ownedIds.has(silence.id) && !silence.endedBy)
      silences.push({ name: apiSilenceName(silence.id), ...silenceFields(silence) });
  if (silences.length > 0) body.silences = silences;

  const checks = live.checks.map((check) => {
    const value = checkValue(check) as ReturnType<typeof checkValue> & { slackChannels: string[] };
    return {
      name: check.name,
      ...(value.description !== null ? { description: value.description } : {}),
      ...(value.slackChannels.length > 0 ? { slackChannels: value.slackChannels } : {}),
      maxRuntimeSeconds: value.maxRuntimeSeconds,
      ...(value.expectEverySeconds !== null ? { expectEverySeconds: value.expectEverySeconds } : {}),
    };
  });
  if (checks.length > 0) body.checks = checks;

  const inspections: Record<string, Record<string, unknown>> = {};
  for (const [inspection, values] of [...live.parameters].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [name, { value }] of Object.entries(values)) {
      if (await deps.secretParameter(inspection, name)) {
        const reference = current?.references[`inspections.${inspection}.${name}`];
        if (reference) (inspections[inspection] ??= {})[name] = `\${${reference}}`;
        else
          notes.push(
            ` inspections.${inspection}.${name}: a secret set through the API, left out: write it as \${NAME}.`,
          );
        continue;
      }
      (inspections[inspection] ??= {})[name] = value;
    }
  }
  if (Object.keys(inspections).length > 0) body.inspections = inspections;

  const modules = exportModules(live, current, deps.moduleSecrets, notes);
  if (Object.keys(modules).length > 0) body.modules = modules;

  const document = new Document(body);
  document.commentBefore = notes.join('\n');
  return document.toString({ lineWidth: 0 });
}

/** Modules the file turns on or off, and module settings set at run time (the file's with their references). */
function exportModules(
  live: LiveReads,
  current: LoadedConfig | null,
  secretsOf: (module: string, values: Record<string, string | null>) => string[],
  notes: string[],
): Record<string, { enabled?: boolean; settings?: Record<string, unknown> }> {
  const owned = (kind: string) => new Set(live.owned.filter((row) => row.kind === kind).map((row) => row.key));
  const switched = owned('module');
  const configured = owned('module-config');
  const modules: Record<string, { enabled?: boolean; settings?: Record<string, unknown> }> = {};
  for (const module of live.modules) if (switched.has(module.name)) modules[module.name] = { enabled: module.enabled };
  for (const stored of live.moduleConfigs) {
    const written = configured.has(stored.module) ? current?.document.modules?.[stored.module]?.settings : undefined;
    const values = written ?? stored.overrides;
    const secrets = secretsOf(stored.module, stored.overrides);
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const reference = written ? current?.references[`modules.${stored.module}.settings.${key}`] : undefined;
      if (reference) settings[key] = `\${${reference}}`;
      else if (secrets.includes(key))
        notes.push(
          ` modules.${stored.module}.settings.${key}: a secret set through the API, left out: write it as \${NAME}.`,
        );
      else settings[key] = value;
    }
    modules[stored.module] = { ...modules[stored.module], settings };
  }
  return modules;
}

/**
 * Stored targets. The file's own are written as the file had them (the provider's defaults not filled in), each
 * value that came from a reference as that reference; an API-made target's secrets have no name to give.
 */
function exportTargets(
  live: LiveReads,
  current: LoadedConfig | null,
  secretsOf: (provider: string) => string[],
  notes: string[],
): Record<string, unknown> {
  const owned = new Set(live.owned.filter((row) => row.kind === 'target').map((row) => row.key));
  const targets: Record<string, unknown> = {};
  for (const target of live.targets) {
    const written = owned.has(target.name) ? current?.document.targets?.[target.name] : undefined;
    const source = written ?? { provider: target.provider, settings: target.settings };
    const secrets = secretsOf(source.provider);
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source.settings)) {
      const reference = written ? current?.references[`targets.${target.name}.settings.${key}`] : undefined;
      if (reference) settings[key] = `\${${reference}}`;
      else if (secrets.includes(key))
        notes.push(
          ` targets.${target.name}.settings.${key}: a secret set through the API, left out: write it as \${NAME}.`,
        );
      else settings[key] = value;
    }
    targets[target.name] = { provider: source.provider, settings };
  }
  return targets;
}

function silenceFields(silence: SilenceRecord): Record<string, unknown> {
  return {
    matchers: silence.matchers,
    startsAt: silence.startsAt,
    ...(silence.endsAt ? { endsAt: silence.endsAt } : {}),
    ...(silence.recurrence
      ? { recurrence: silence.recurrence, durationMinutes: silence.durationMinutes, timeZone: silence.timeZone }
      : {}),
    reason: silence.reason,
  };
}
