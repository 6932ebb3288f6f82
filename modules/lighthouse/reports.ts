import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reports live at <root>/<app>/<url-slug>/<id>.{html,json}. Every path segment is made by this file
 * from a fixed alphabet and checked against the same patterns when a request names one, so a request
 * (or an application name in a payload) can never point outside <root>.
 */
export const SEGMENT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,119}$/;
/** A report id is its UTC time to the millisecond, compact so it sorts as text: 20261122T082640123Z. */
export const REPORT_ID_PATTERN = /^\d{8}T\d{9}Z$/;
const REPORT_FILE_PATTERN = /^(?<id>\d{8}T\d{9}Z)\.(?<ext>html|json)$/;
const TEMP_FILE_PATTERN = /^\.\d{8}T\d{9}Z\.(html|json)\.tmp$/;

export type ReportFormat = 'html' | 'json';

export interface StoredReport {
  application: string;
  slug: string;
  id: string;
}

/** An application name as a path segment: lower case, runs of other characters as '-'. */
export function applicationSegment(name: string): string {
  const segment = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return segment === '' ? 'unnamed' : segment;
}

/**
 * A stable slug per audited URL: readable host and path, plus a hash of the whole URL so URLs that read
 * the same once flattened (`/a/b` and `/a-b`, query strings, case) keep apart.
 */
export function urlSlug(url: string): string {
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 8);
  let readable: string;
  try {
    const parsed = new URL(url);
    readable = `${parsed.host}${parsed.pathname}`;
  } catch {
    readable = url;
  }
  const flat = readable
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return flat === '' ? hash : `${flat}-${hash}`;
}

export function reportId(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

/** Whether a request's path segments are ones this module could have made. */
export function isSafeSegment(value: string): boolean {
  return SEGMENT_PATTERN.test(value);
}

/**
 * Report files beyond the newest `keep` ids (both formats of each), and leftovers of interrupted writes.
 * Names that are not ours are never touched.
 */
export function selectPrunable(fileNames: readonly string[], keep: number): string[] {
  const ids = [...new Set(fileNames.map((name) => REPORT_FILE_PATTERN.exec(name)?.groups?.id).filter(isString))]
    .sort()
    .reverse();
  const doomed = new Set(ids.slice(keep));
  return fileNames.filter((name) => {
    const id = REPORT_FILE_PATTERN.exec(name)?.groups?.id;
    return (id !== undefined && doomed.has(id)) || TEMP_FILE_PATTERN.test(name);
  });
}

/** Newest first: the ids in a directory listing and the formats present for each. */
export function reportIdsOf(fileNames: readonly string[]): Array<{ id: string; formats: ReportFormat[] }> {
  const byId = new Map<string, ReportFormat[]>();
  for (const name of fileNames) {
    const groups = REPORT_FILE_PATTERN.exec(name)?.groups;
    if (!groups) continue;
    const formats = byId.get(groups.id!) ?? [];
    formats.push(groups.ext as ReportFormat);
    byId.set(groups.id!, formats);
  }
  return [...byId]
    .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
    .map(([id, formats]) => ({ id, formats: formats.sort() }));
}

export class ReportStore {
  constructor(readonly root: string) {}

  /**
   * Writes both reports of one audit, each through a temporary name and a rename so a reader (the
   * `latest` alias) never sees half a file; then prunes that application's URL to the newest `keep`.
   */
  async save(
    applicationName: string,
    url: string,
    reports: { html: string; json: string },
    at: Date,
    keep: number,
  ): Promise<StoredReport> {
    const application = applicationSegment(applicationName);
    const slug = urlSlug(url);
    const dir = this.directory(application, slug);
    await mkdir(dir, { recursive: true });
    const existing = await readdir(dir);
    let time = at.getTime();
    // Two audits of one URL within a millisecond would overwrite each other: move the second along.
    while (existing.some((name) => name.startsWith(`${reportId(new Date(time))}.`))) time += 1;
    const id = reportId(new Date(time));
    for (const format of ['json', 'html'] as const) {
      const temporary = path.join(dir, `.${id}.${format}.tmp`);
      await writeFile(temporary, reports[format], 'utf8');
      await rename(temporary, path.join(dir, `${id}.${format}`));
    }
    await this.prune(application, slug, keep);
    return { application, slug, id };
  }

  async prune(application: string, slug: string, keep: number): Promise<string[]> {
    const dir = this.directory(application, slug);
    const doomed = selectPrunable(await readdir(dir), keep);
    await Promise.all(doomed.map((name) => rm(path.join(dir, name), { force: true })));
    return doomed;
  }

  /** Newest first; empty when the application or URL has no reports. */
  async list(application: string, slug: string): Promise<Array<{ id: string; formats: ReportFormat[] }>> {
    return reportIdsOf(await this.readdirOrEmpty(this.directory(application, slug)));
  }

  async slugs(application: string): Promise<string[]> {
    const dir = this.directory(application);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    return entries
      .filter((entry) => entry.isDirectory() && isSafeSegment(entry.name))
      .map((entry) => entry.name)
      .sort();
  }

  /**
   * The file a request names: `<id>.html`, `<id>.json`, or `latest` / `latest.html` / `latest.json`.
   * Null when a segment is not one of ours or the file does not exist.
   */
  async resolve(
    application: string,
    slug: string,
    file: string,
  ): Promise<{ path: string; format: ReportFormat; id: string } | null> {
    if (!isSafeSegment(application) || !isSafeSegment(slug)) return null;
    const latest = /^latest(?:\.(?<ext>html|json))?$/.exec(file);
    let id: string | undefined;
    let format: ReportFormat;
    if (latest) {
      format = (latest.groups?.ext as ReportFormat | undefined) ?? 'html';
      id = (await this.list(application, slug)).find((report) => report.formats.includes(format))?.id;
    } else {
      const named = REPORT_FILE_PATTERN.exec(file);
      if (!named?.groups) return null;
      format = named.groups.ext as ReportFormat;
      const wanted = named.groups.id!;
      id = (await this.list(application, slug)).find(
        (report) => report.id === wanted && report.formats.includes(format),
      )?.id;
    }
    if (!id) return null;
    const resolved = path.join(this.directory(application, slug), `${id}.${format}`);
    // The patterns above already rule out separators and dots; this is the belt to those braces.
    if (!resolved.startsWith(this.root + path.sep)) return null;
    return { path: resolved, format, id };
  }

  private directory(application: string, slug?: string): string {
    if (!isSafeSegment(application) || (slug !== undefined && !isSafeSegment(slug))) {
      throw new Error(`unsafe report path segment: ${JSON.stringify([application, slug])}`);
    }
    return slug === undefined ? path.join(this.root, application) : path.join(this.root, application, slug);
  }

  private async readdirOrEmpty(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}
