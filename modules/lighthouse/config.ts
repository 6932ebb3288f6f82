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
    CHROME_PATH: envString(),
    LIGHTHOUSE_TIMEOUT_MS: envInt(60_000, { min: 5_000, max: 600_000 }),
    LIGHTHOUSE_ALLOWED_HOSTS: envList().transform((entries, context) => {
      const hosts: AllowedHost[] = [];
      for (const entry of entries) {
        const host = parseAllowedHostEntry(entry);
        if (host) hosts.push(host);
        else context.addIssue({ code: 'custom', message: `"${entry}" is not a host name, host:port or http(s) URL` });
      }
      return hosts;
    }),
    LIGHTHOUSE_KEEP_REPORTS: envInt(5, { min: 1, max: 100 }),
    LIGHTHOUSE_MAX_URLS: envInt(5, { min: 1, max: 100 }),
    LIGHTHOUSE_IMAGE: envString(),
  })
  .transform((env): LighthouseConfig => ({
    chromePath: env.CHROME_PATH ?? DEFAULT_CHROME_PATH,
    timeoutMs: env.LIGHTHOUSE_TIMEOUT_MS,
    allowedHosts: env.LIGHTHOUSE_ALLOWED_HOSTS,
    keepReports: env.LIGHTHOUSE_KEEP_REPORTS,
    maxUrls: env.LIGHTHOUSE_MAX_URLS,
    legacyImage: env.LIGHTHOUSE_IMAGE,
  }));
