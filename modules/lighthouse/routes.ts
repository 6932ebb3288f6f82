import type { Response, Router } from 'express';
import { isSafeSegment, type ReportFormat, type ReportStore } from './reports.js';
import { HubError, doc } from '../../src/module-api.js';

export const REPORTS_PATH = '/api/v1/lighthouse/reports';

/**
 * The HTML report is generated content (it embeds text, URLs and screenshots taken from the audited page)
 * served from the hub's origin. The sandbox gives it an opaque origin, so its scripts (the report renderer
 * is inline JavaScript) can neither read nor call the hub; nothing may be loaded from the network.
 */
export const HTML_REPORT_CSP = [
  'sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads',
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  'font-src data:',
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const JSON_REPORT_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

export function reportPath(application: string, slug: string, file: string): string {
  return `${REPORTS_PATH}/${application}/${slug}/${file}`;
}

/**
 * GET <REPORTS_PATH>/:app                   the audited URLs of an application (slugs) with their latest reports
 * GET <REPORTS_PATH>/:app/:slug             the kept reports of one URL, newest first
 * GET <REPORTS_PATH>/:app/:slug/:file       <id>.html, <id>.json, latest, latest.html, latest.json
 */
export function mountReportRoutes(router: Router, store: ReportStore, publicUrl: string): void {
  const link = (application: string, slug: string, file?: string) =>
    `${publicUrl}${file === undefined ? `${REPORTS_PATH}/${application}/${slug}` : reportPath(application, slug, file)}`;

  router.get(
    `${REPORTS_PATH}/:app`,
    doc({ summary: 'The audited URLs of an application with their latest reports', tags: ['lighthouse'] }),
    async (req, res) => {
      const application = segment(req.params.app);
      const slugs = await store.slugs(application);
      const urls = await Promise.all(
        slugs.map(async (slug) => ({ slug, reports: (await store.list(application, slug)).length })),
      );
      res.json({
        application,
        urls: urls
          .filter((entry) => entry.reports > 0)
          .map((entry) => ({
            ...entry,
            list: link(application, entry.slug),
            latest: {
              html: link(application, entry.slug, 'latest.html'),
              json: link(application, entry.slug, 'latest.json'),
            },
          })),
      });
    },
  );

  router.get(
    `${REPORTS_PATH}/:app/:slug`,
    doc({ summary: 'The kept reports of one audited URL, newest first', tags: ['lighthouse'] }),
    async (req, res) => {
      const application = segment(req.params.app);
      const slug = segment(req.params.slug);
      const reports = await store.list(application, slug);
      if (reports.length === 0) throw notFound();
      res.json({
        application,
        slug,
        reports: reports.map((report) => ({
          id: report.id,
          ...Object.fromEntries(
            report.formats.map((format) => [format, link(application, slug, `${report.id}.${format}`)]),
          ),
        })),
      });
    },
  );

  router.get(
    `${REPORTS_PATH}/:app/:slug/:file`,
    doc({
      summary: 'One report: <id>.html, <id>.json, latest, latest.html or latest.json',
      tags: ['lighthouse'],
      response: { contentType: 'text/html', description: 'the Lighthouse report (HTML or JSON)' },
    }),
    async (req, res) => {
      const file = String(req.params.file);
      const found = await store.resolve(segment(req.params.app), segment(req.params.slug), file);
      if (!found) throw notFound();
      const latest = file.startsWith('latest');
      await sendReport(res, found.path, found.format, latest);
    },
  );
}

function sendReport(res: Response, file: string, format: ReportFormat, latest: boolean): Promise<void> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': format === 'html' ? HTML_REPORT_CSP : JSON_REPORT_CSP,
    'Content-Type': format === 'html' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    // `latest` moves with every audit; a named report never changes until it is pruned.
    'Cache-Control': latest ? 'no-cache' : 'public, max-age=3600',
  };
  return new Promise<void>((resolve, reject) => {
    res.sendFile(file, { headers, dotfiles: 'deny' }, (error) => {
      // Pruned between resolving and sending: the report is gone, which is a 404 like any other.
      if (error && !res.headersSent) reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? notFound() : error);
      else resolve();
    });
  });
}

function segment(value: unknown): string {
  if (typeof value !== 'string' || !isSafeSegment(value)) throw notFound();
  return value;
}

function notFound(): HubError {
  return new HubError('HUB_ERR_NOT_FOUND', 'no such Lighthouse report');
}
