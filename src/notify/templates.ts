import { Liquid, type FS } from 'liquidjs';
import { z } from 'zod';
import type { NotifyKind } from './silence.js';
import { HubError, validationError } from '../errors.js';
import type { Db } from '../store/db.js';
import { writeSetting } from '../store/notify-settings-repo.js';

/** The kinds a template can word: the roots. Replies and digest lines keep the provider's own words. */
export const TEMPLATE_KINDS = [
  'deployment',
  'removal',
  'error',
  'recommendation',
  'alert',
  'weekly',
] as const satisfies readonly NotifyKind[];
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const templateBodySchema = z.object({ template: z.string().min(1).max(20_000) }).strict();

/** No file system at all: `include` and `render` find nothing, whatever a template names. */
const NO_FILES: FS = {
  exists: () => Promise.resolve(false),
  existsSync: () => false,
  readFile: () => Promise.reject(new Error('templates cannot read files')),
  readFileSync: () => {
    throw new Error('templates cannot read files');
  },
  resolve: (_root, file) => file,
  contains: () => Promise.resolve(false),
  dirname: () => '',
  sep: '/',
};

// Render time (ms), memory (bytes of strings and arrays made) and template size are bounded: an operator's
// template runs on every send. JavaScript's truthiness (`''` and 0 are false) because the payloads come from
// JavaScript: an absent URL is `''`, and the built-in words, which the defaults reproduce, test it that way.
const liquid = new Liquid({
  jsTruthy: true,
  fs: NO_FILES,
  root: [],
  partials: [],
  layouts: [],
  strictFilters: true,
  renderLimit: 200,
  memoryLimit: 1_000_000,
  parseLimit: 20_000,
});

/** "40 s", "12 min", "2 h 5 min"; `"rounded"`: "125 min", "5 h", "3 days" (the cards' words). null is "n/a". */
export function durationText(ms: unknown, style?: unknown): string {
  if (typeof ms !== 'number') return 'n/a';
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (style === 'rounded') {
    if (seconds < 120) return `${seconds} s`;
    if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
    if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
    return `${Math.round(seconds / 86_400)} days`;
  }
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** A rate (0.25) as "25 %", one decimal at most; null is "n/a". */
export function percentText(rate: unknown): string {
  return typeof rate === 'number' ? `${Number((rate * 100).toFixed(1))} %` : 'n/a';
}

// The weekly figures hold durations in ms and rates as fractions: words for them, as the built-in messages say them.
liquid.registerFilter('duration', durationText);
liquid.registerFilter('percent', percentText);

/** Every string in the value escaped for the provider: a template cannot let payload text out unescaped. */
function escapedDeep(value: unknown, escape: (text: string) => string): unknown {
  if (typeof value === 'string') return escape(value);
  if (Array.isArray(value)) return value.map((item) => escapedDeep(item, escape));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapedDeep(item, escape)]));
  return value;
}

/** The event as a template sees it, beside the payload's fields (docs/reference/template-fields.md lists both). */
export interface TemplateEvent {
  /** The event's id on the hub. */
  id: string;
  /** The event's type: `deployment`, `error`, `recommendation`, `inspection` or `insights.weekly`. */
  type: string;
  /** The event on the hub (`GET /api/v1/events/:id`). */
  link: string;
}

/**
 * What a template sees beside the payload's fields: `event`, `hub` and, for a team's weekly summary, `team`.
 * The hub's own values (`event`, `hub`) are not escaped: they are the hub's, not a payload's.
 */
export interface TemplateExtras {
  /** The hub's public URL (`PUBLIC_URL`), for links to its pages. */
  hubUrl: string;
  /** A team's weekly summary only: that team's entry of `teams` (absent in the overall summary). */
  team?: unknown;
}

/**
 * The template's text for an event: its payload's fields at the top level, `event` (id, type, link), `hub.url`
 * and, for a team's weekly summary, `team`. Every payload string (and `team`'s) is escaped for the provider.
 */
export async function renderTemplate(
  template: string,
  event: { id: string; type: string; payload: unknown; link: string },
  escape: (text: string) => string,
  extras: TemplateExtras = { hubUrl: '' },
): Promise<string> {
  const payload = escapedDeep(event.payload, escape) as Record<string, unknown>;
  const context = {
    ...payload,
    event: { id: event.id, type: event.type, link: event.link } satisfies TemplateEvent,
    hub: { url: extras.hubUrl },
    ...(extras.team === undefined ? {} : { team: escapedDeep(extras.team, escape) }),
  };
  const text = String(await liquid.parseAndRender(template, context));
  if (text.trim() === '') throw new Error('the template rendered nothing');
  return text;
}

/** Why a template does not parse (its first line), or null: a check settings can make at start, without rendering. */
export function templateProblem(template: string): string | null {
  try {
    liquid.parse(template);
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0]!;
  }
}

const TRIAL = { event: { id: 'trial', type: 'trial', link: '' } };

/** Parses the template and renders it once on an empty event: a template that fails here is refused. */
export async function checkTemplate(template: string): Promise<void> {
  try {
    await liquid.parseAndRender(template, TRIAL);
  } catch (error) {
    throw validationError(
      { issues: [{ path: ['template'], message: (error as Error).message.split('\n')[0]! }] },
      'template',
    );
  }
}

/** checkTemplate's verdict without waiting (a configuration file is checked synchronously): null when it passes. */
export function trialTemplateProblem(template: string): string | null {
  try {
    liquid.parseAndRenderSync(template, TRIAL);
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0]!;
  }
}

const RELOAD_MS = 2_000;

/** Stored templates per provider and kind (`notify_settings`, `template:<provider>:<kind>`), re-read within 2 s. */
export class TemplateBook {
  private cached: { templates: Map<string, string>; at: number } | null = null;

  constructor(private readonly db: Db) {}

  async all(): Promise<Map<string, string>> {
    if (this.cached && Date.now() - this.cached.at < RELOAD_MS) return this.cached.templates;
    const rows = await this.db.query<{ name: string; value: { template: string } }>(
      `select name, value from notify_settings where name like 'template:%'`,
    );
    const templates = new Map(rows.rows.map((row) => [row.name.slice('template:'.length), row.value.template]));
    this.cached = { templates, at: Date.now() };
    return templates;
  }

  /** The next read goes to PostgreSQL: the configuration file was applied on this replica. */
  forget(): void {
    this.cached = null;
  }

  async get(provider: string, kind: string): Promise<string | null> {
    return (await this.all()).get(`${provider}:${kind}`) ?? null;
  }

  async put(provider: string, kind: TemplateKind, body: unknown, who: string): Promise<void> {
    const parsed = templateBodySchema.safeParse(body);
    if (!parsed.success) throw validationError(parsed.error, 'template');
    await checkTemplate(parsed.data.template);
    await this.write(`template:${provider}:${kind}`, { template: parsed.data.template }, who);
  }

  async remove(provider: string, kind: string, who: string): Promise<void> {
    if (!(await this.get(provider, kind)))
      throw new HubError('HUB_ERR_NOT_FOUND', `no stored template for ${provider} ${kind}: the built-in one is used`);
    await this.write(`template:${provider}:${kind}`, null, who);
  }

  private async write(name: string, value: { template: string } | null, who: string): Promise<void> {
    await this.db.transaction((client) => writeSetting(client, name, value, who));
    this.cached = null;
  }
}

/**
 * The root as the stored template for (provider, kind) words it, when there is one; the provider's own words
 * otherwise. A template that fails at send time does not stop the message: the provider's words go out and
 * the result says the delivery was degraded, with the template and the error.
 */
export async function applyTemplate<R extends { message: unknown; line: string }>(
  book: TemplateBook | null,
  provider: { name: string; render: { escape(text: string): string; lineMessage(text: string): unknown } },
  event: { id: string; type: string; payload: unknown; link: string },
  kind: string,
  rendered: R,
  extras: TemplateExtras,
): Promise<R & { degraded?: { template: string; error: string } }> {
  const template = book ? await book.get(provider.name, kind) : null;
  if (!template) return rendered;
  try {
    const text = await renderTemplate(template, event, (value) => provider.render.escape(value), extras);
    return { ...rendered, message: provider.render.lineMessage(text) };
  } catch (error) {
    return {
      ...rendered,
      degraded: { template: `${provider.name}/${kind}`, error: (error as Error).message.split('\n')[0]! },
    };
  }
}

/**
 * How a notifier words its roots: `applyTemplate` for an event of this hub (its link, `hub.url`) with the
 * templates `book` holds then (null before the store is open); `team` for a team's weekly summary.
 */
export function wordingFor(
  book: () => TemplateBook | null,
  provider: Parameters<typeof applyTemplate>[1],
  publicUrl: string,
) {
  return <R extends { message: unknown; line: string }>(
    event: { id: string; type: string; payload: unknown },
    kind: string,
    rendered: R,
    team?: unknown,
  ) =>
    applyTemplate(book(), provider, { ...event, link: `${publicUrl}/api/v1/events/${event.id}` }, kind, rendered, {
      hubUrl: publicUrl,
      ...(team === undefined ? {} : { team }),
    });
}
