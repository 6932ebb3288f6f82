import { createHash } from 'node:crypto';
import type { ConfigDocument } from './document.js';
import { ROUTES_KEY, type OwnedKind, type OwnedRow, type Origin } from './ownership.js';
import type { NotifyRoute } from '../notify/routes.js';
import type { ExternalCheck } from '../store/external-checks-repo.js';
import type { SilenceRecord } from '../store/silences-repo.js';

/**
 * The configuration as objects keyed by kind and identity, the one shape in which a file and the live hub are
 * compared: what a file asks for (`desiredState`) and what is live (`liveState`, from reads the caller makes).
 */
export interface StateEntry {
  value: unknown;
  origin: Origin;
  /** The file owning it (origin `file`). */
  file?: string;
  /** The owned object's recorded digest: a silence is compared by it, its live row being re-made on change. */
  digest?: string;
}
export type ConfigState = Record<OwnedKind, Map<string, StateEntry>>;

export interface DiffItem {
  kind: OwnedKind;
  key: string;
}
export interface ConfigDiff {
  added: DiffItem[];
  changed: DiffItem[];
  /** Objects the file owns now and would no longer hold: removed from the live configuration. */
  removed: DiffItem[];
  /** Objects made through the API, equal to the file's: the file would own them, unchanged. */
  adopted: DiffItem[];
}

export const OWNED_KINDS: readonly OwnedKind[] = [
  'target',
  'routes',
  'template',
  'silence',
  'check',
  'parameter',
  'module',
  'module-config',
];

function emptyState(): ConfigState {
  return Object.fromEntries(OWNED_KINDS.map((kind) => [kind, new Map()])) as ConfigState;
}

/** JSON with keys sorted and undefined dropped: equal objects, equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>)
            .filter(([, inner]) => inner !== undefined)
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : item,
  );
}

export function digestOf(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex').slice(0, 16);
}

/** A silence as compared: its rules, without who made it or the null fields the store fills in. */
export function silenceValue(silence: {
  matchers?: unknown;
  startsAt?: string | null;
  endsAt?: string | null;
  recurrence?: string | null;
  durationMinutes?: number | null;
  timeZone?: string | null;
  reason: string;
}): Record<string, unknown> {
  const iso = (text: string | null | undefined) => (text ? new Date(text).toISOString() : undefined);
  return {
    matchers: silence.matchers ?? {},
    startsAt: iso(silence.startsAt),
    endsAt: iso(silence.endsAt),
    recurrence: silence.recurrence ?? undefined,
    durationMinutes: silence.durationMinutes ?? undefined,
    timeZone: silence.timeZone ?? undefined,
    reason: silence.reason,
  };
}

/** A check's settings with the defaults a new check gets, so an omitted field and its default compare equal. */
export function checkValue(check: {
  description?: string | null;
  slackChannels?: string | string[] | null;
  maxRuntimeSeconds?: number;
  expectEverySeconds?: number | null;
}): Record<string, unknown> {
  const channels = check.slackChannels ?? [];
  return {
    description: check.description ?? null,
    slackChannels: (Array.isArray(channels) ? channels : channels.split(','))
      .map((item) => item.trim())
      .filter(Boolean),
    maxRuntimeSeconds: check.maxRuntimeSeconds ?? 300,
    expectEverySeconds: check.expectEverySeconds ?? null,
  };
}

/** A module's settings as the run-time configuration stores them: every value as text (null unsets a key). */
export function moduleSettingsValue(settings: Record<string, unknown>): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      key,
      value === null || value === undefined
        ? null
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value as string | number | boolean),
    ]),
  );
}

/** An API-made silence's name in a diff or an export: it has none of its own. */
export function apiSilenceName(id: string): string {
  return `api-${id.slice(0, 8)}`;
}

/** What the document asks for, every object marked as the file's. */
export function desiredState(document: ConfigDocument, file: string): ConfigState {
  const state = emptyState();
  const put = (kind: OwnedKind, key: string, value: unknown) => state[kind].set(key, { value, origin: 'file', file });
  for (const [name, target] of Object.entries(document.targets ?? {})) put('target', name, target);
  if (document.routes) put('routes', ROUTES_KEY, document.routes);
  for (const [provider, kinds] of Object.entries(document.templates ?? {}))
    for (const [kind, template] of Object.entries(kinds))
      if (template) put('template', `${provider}:${kind}`, template);
  for (const { name, createdBy: _by, ...silence } of document.silences ?? [])
    put('silence', name, silenceValue(silence));
  for (const { name, ...check } of document.checks ?? []) put('check', name, checkValue(check));
  for (const [inspection, values] of Object.entries(document.inspections ?? {}))
    for (const [name, value] of Object.entries(values)) put('parameter', `${inspection}:${name}`, value);
  for (const [name, module] of Object.entries(document.modules ?? {})) {
    if (module.enabled !== undefined) put('module', name, { enabled: module.enabled });
    if (module.settings) put('module-config', name, moduleSettingsValue(module.settings));
  }
  return state;
}

export interface LiveReads {
  owned: OwnedRow[];
  /** Targets stored at run time (the environment's are not the file's to hold). */
  targets: Array<{ name: string; provider: string; settings: Record<string, unknown> }>;
  routes: NotifyRoute[] | null;
  templates: Map<string, string>;
  /** Silences not over yet. */
  silences: SilenceRecord[];
  checks: ExternalCheck[];
  parameters: Map<string, Record<string, { value: unknown }>>;
  modules: Array<{ name: string; enabled: boolean }>;
  /** Module settings set at run time (environment-style keys over the environment's values). */
  moduleConfigs: Array<{ module: string; overrides: Record<string, string | null> }>;
}

/** The live configuration as a state: each object marked with where it came from. */
export function liveState(reads: LiveReads): ConfigState {
  const state = emptyState();
  const owners = new Map(reads.owned.map((row) => [`${row.kind}\u0000${row.key}`, row]));
  const put = (kind: OwnedKind, key: string, value: unknown) => {
    const owner = owners.get(`${kind}\u0000${key}`);
    state[kind].set(
      key,
      owner ? { value, origin: 'file', file: owner.file, digest: owner.digest } : { value, origin: 'api' },
    );
  };
  for (const target of reads.targets)
    put('target', target.name, { provider: target.provider, settings: target.settings });
  if (reads.routes) put('routes', ROUTES_KEY, reads.routes);
  for (const [key, template] of reads.templates) put('template', key, template);
  // A file's silence is what the file said (its digest), whether or not its window is over yet.
  const fileSilences = new Set<string>();
  for (const row of reads.owned.filter((owned) => owned.kind === 'silence')) {
    if (row.ref) fileSilences.add(row.ref);
    const live = reads.silences.find((silence) => silence.id === row.ref);
    state.silence.set(row.key, {
      value: live ? silenceValue(live) : null,
      origin: 'file',
      file: row.file,
      digest: row.digest,
    });
  }
  for (const silence of reads.silences)
    if (!fileSilences.has(silence.id) && !silence.endedBy)
      state.silence.set(apiSilenceName(silence.id), { value: silenceValue(silence), origin: 'api' });
  for (const check of reads.checks) put('check', check.name, checkValue(check));
  for (const [inspection, values] of reads.parameters)
    for (const [name, { value }] of Object.entries(values)) put('parameter', `${inspection}:${name}`, value);
  for (const stored of reads.moduleConfigs) put('module-config', stored.module, stored.overrides);
  for (const module of reads.modules) {
    if (owners.has(`module\u0000${module.name}`)) put('module', module.name, { enabled: module.enabled });
    else state.module.set(module.name, { value: { enabled: module.enabled }, origin: 'default' });
  }
  return state;
}

/**
 * Kinds whose live form is not the file's text: a silence is re-made (its live row has fields the file left out),
 * a target's settings come back with the provider's defaults filled in. A file-owned one is compared by the
 * digest of the text it was applied from.
 */
const BY_DIGEST: readonly OwnedKind[] = ['silence', 'target'];

/** What applying `desired` to `live` would do. API-made objects absent from the file stay: they are not removed. */
export function diffStates(desired: ConfigState, live: ConfigState): ConfigDiff {
  const diff: ConfigDiff = { added: [], changed: [], removed: [], adopted: [] };
  for (const kind of OWNED_KINDS) {
    for (const [key, wanted] of desired[kind]) {
      const current = live[kind].get(key);
      const same =
        current !== undefined &&
        (BY_DIGEST.includes(kind) && current.origin === 'file'
          ? current.digest === digestOf(wanted.value)
          : canonical(current.value) === canonical(wanted.value));
      if (!current) diff.added.push({ kind, key });
      else if (!same) diff.changed.push({ kind, key });
      else if (current.origin !== 'file' || current.file !== wanted.file) diff.adopted.push({ kind, key });
    }
    for (const [key, current] of live[kind])
      if (current.origin === 'file' && !desired[kind].has(key)) diff.removed.push({ kind, key });
  }
  return diff;
}

export function isEmptyDiff(diff: ConfigDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length === 0;
}
