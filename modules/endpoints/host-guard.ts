import type { ClusterHosts } from '../../src/module-api.js';

/**
 * Which monitor URLs the module may fetch: hosts of the configured clusters (ACTIVE_APP_HOST, …) and those
 * of the `allowedHosts` parameter (`host`, `host:port` or `*.example.com`). Anything else is reported as
 * "host not allowed" and never fetched, so a deployment cannot point the hub at an internal address.
 * One function with one question (may this URL be fetched?), so the core's outbound URL guard can replace it.
 */
export function hostGuard(hosts: Record<string, ClusterHosts>, allowedHosts: readonly string[]): (url: URL) => boolean {
  const known = new Set<string>();
  for (const cluster of Object.values(hosts)) {
    for (const base of [cluster.app, cluster.api]) {
      if (!base) continue;
      try {
        known.add(new URL(base).host.toLowerCase());
      } catch {
        // config validated these as URLs; nothing to add otherwise
      }
    }
  }
  const entries = allowedHosts.map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '');
  return (url) => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const host = url.host.toLowerCase();
    const hostname = url.hostname.toLowerCase();
    if (known.has(host)) return true;
    return entries.some((entry) =>
      entry.startsWith('*.') ? hostname.endsWith(entry.slice(1)) && hostname.length > entry.length - 1 : entry === host || entry === hostname,
    );
  };
}
