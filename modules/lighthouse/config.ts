import { z } from 'zod';
import { parseAllowedHostEntry, type AllowedHost } from './allow-list.js';
import { envInt, envList, envString } from '../../src/module-api.js';

export const DEFAULT_CHROME_PATH = '/usr/bin/chromium';

export interface LighthouseConfig {
  chromePath: string;
  /** One audit (Chrome start, page load, scoring), not the whole delivery. */
  timeoutMs: number;
  /** Hosts allowed besides the cluster hosts. */
  allowedHosts: AllowedHost[];
  keepReports: number;
  /** A payload may list up to 100 URLs; the serial queue must not be held for hours by one deployment. */
  maxUrls: number;
  /** The original's Docker image name; read only to say it is ignored. */
  legacyImage?: string;
}

export const lighthouseConfigSchema = z
  .object({
    CHROME_PATH: envString().meta({
      default: '`/usr/bin/chromium`',
      description:
        "Chromium to start (headless) for audits. The container image installs Debian's `chromium` there. When it is not an executable file, the module is off and the status page says why.",
    }),
    LIGHTHOUSE_TIMEOUT_MS: envInt(60_000, { min: 5_000, max: 600_000 }).meta({
      description:
        "Time limit of one page audit (browser start, page load, scoring), 5000-600000 ms; Lighthouse's own page-load wait is half of it, at most 45 s. The whole delivery is limited by `DELIVERY_TIMEOUT_MS_LIGHTHOUSE` (default 180000).",
    }),
    LIGHTHOUSE_ALLOWED_HOSTS: envList()
      .transform((entries, context) => {
        const hosts: AllowedHost[] = [];
        for (const entry of entries) {
          const host = parseAllowedHostEntry(entry);
          if (host) hosts.push(host);
          else context.addIssue({ code: 'custom', message: `"${entry}" is not a host name, host:port or http(s) URL` });
        }
        return hosts;
      })
      .meta({
        description:
          "Hosts that may be audited besides the cluster hosts and `OUTBOUND_ALLOWED_HOSTS`: `host` (its default port), `host:port`, or an http(s) URL. An entry that is none of these stops start-up. Checked by the core's outbound guard like `OUTBOUND_ALLOWED_HOSTS` (a name resolving to a private address needs an address/CIDR entry there).",
      }),
    LIGHTHOUSE_KEEP_REPORTS: envInt(5, { min: 1, max: 100 }).meta({
      description: 'HTML+JSON reports kept per application and URL, 1-100; older ones are deleted after each audit.',
    }),
    LIGHTHOUSE_MAX_URLS: envInt(5, { min: 1, max: 100 }).meta({
      description: 'Pages audited per deployment, 1-100; the rest are named in the result as not audited.',
    }),
    LIGHTHOUSE_IMAGE: envString().meta({
      description:
        "Unused: the original's Lighthouse Docker image. Accepted; when set, a warning is logged at start (while the module is on).",
    }),
  })
  .transform((env): LighthouseConfig => ({
    chromePath: env.CHROME_PATH ?? DEFAULT_CHROME_PATH,
    timeoutMs: env.LIGHTHOUSE_TIMEOUT_MS,
    allowedHosts: env.LIGHTHOUSE_ALLOWED_HOSTS,
    keepReports: env.LIGHTHOUSE_KEEP_REPORTS,
    maxUrls: env.LIGHTHOUSE_MAX_URLS,
    legacyImage: env.LIGHTHOUSE_IMAGE,
  }));
