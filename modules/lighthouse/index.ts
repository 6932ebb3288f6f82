import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { auditGuard } from './allow-list.js';
import { auditDeployment, skipReason } from './audit-deployment.js';
import { Auditor } from './auditor.js';
import { lighthouseConfigSchema } from './config.js';
import { ReportStore } from './reports.js';
import { mountReportRoutes } from './routes.js';
import { defineModule } from '../../src/module-api.js';

/**
 * Lighthouse audits (accessibility, best practices, SEO, performance) of a deployed application's pages,
 * in a local headless Chromium. Reports are kept under the module's data directory and served by the hub;
 * the scores become the check's result, which the Slack module posts to the deployment's thread.
 */
export const lighthouseModule = defineModule({
  name: 'lighthouse',
  description: 'Lighthouse accessibility, best-practice, SEO and performance audits in headless Chromium',
  events: ['deployment'],
  legacyNames: ['modules.subscribers.lighthouse', 'modules.subscribers.lighthouse.lighthouse'],
  configSchema: lighthouseConfigSchema,
  enablement: (config) =>
    isExecutable(config.chromePath)
      ? { enabled: true }
      : { enabled: false, reason: `Chromium not found at ${config.chromePath} (install chromium or set CHROME_PATH)` },
  // Deployments that do not ask for an audit (or are removals) get no delivery at all.
  wants: (type, payload) => type !== 'deployment' || skipReason(payload) === null,
  // One browser at a time, on a queue of its own; an audit takes seconds to a minute, several URLs more.
  serial: true,
  delivery: { timeoutMs: 180_000, maxAttempts: 5, maxAgeSeconds: 6 * 3600 },
  create: (ctx) => {
    const { config, logger } = ctx;
    if (config.legacyImage) {
      logger.warn('LIGHTHOUSE_IMAGE is ignored: audits run in the local Chromium (CHROME_PATH), not in Docker', {
        image: config.legacyImage,
      });
    }
    // The core's guard, for the first URL and (through the browser's proxy) every request of the audit.
    const guard = auditGuard(ctx.core, config.allowedHosts);
    if (guard.entries.length === 0) {
      logger.warn(
        'no host may be audited: set the cluster hosts (ACTIVE_APP_HOST, ...), LIGHTHOUSE_ALLOWED_HOSTS or OUTBOUND_ALLOWED_HOSTS',
      );
    } else {
      logger.debug('hosts that may be audited', { hosts: guard.entries });
    }
    const store = new ReportStore(path.join(ctx.dataDir, 'reports'));
    const auditor = new Auditor({ chromePath: config.chromePath, timeoutMs: config.timeoutMs, logger, guard });

    return {
      handlers: {
        deployment: (event, delivery) =>
          auditDeployment(event.payload, delivery.signal, {
            audit: (url, signal) => auditor.audit(url, signal),
            store,
            guard,
            keepReports: config.keepReports,
            maxUrls: config.maxUrls,
            publicUrl: ctx.core.publicUrl,
            logger: delivery.logger,
          }),
      },
      routes(router) {
        mountReportRoutes(router, store, ctx.core.publicUrl);
      },
      async stop() {
        await auditor.stop();
      },
    };
  },
});

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
