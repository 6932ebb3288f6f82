import {
  createUrlGuard,
  type ClusterHosts,
  type CoreConfig,
  type Resolve,
  type UrlGuard,
} from '../../src/module-api.js';

/**
 * A host audits may go to. `port: 'default'` means the scheme's own port (80 for http, 443 for https),
 * written without a port; a number means exactly that port, whatever the scheme.
 */
export interface AllowedHost {
  hostname: string;
  port: number | 'default';
}

const HOST_PORT = /^(?<host>\[[0-9a-f:.]+\]|[^:/?#@[\]\s]+)(?::(?<port>\d{1,5}))?$/i;

/**
 * One LIGHTHOUSE_ALLOWED_HOSTS entry: `host`, `host:port`, or an http(s) URL (its host and port).
 * Host names go through the WHATWG URL parser so they compare exactly as the audited URLs will
 * (lower case, punycode, `0x7f.1` read as 127.0.0.1).
 */
export function parseAllowedHostEntry(entry: string): AllowedHost | null {
  const trimmed = entry.trim();
  if (trimmed.includes('://')) return allowedHostFromUrl(trimmed);
  const match = HOST_PORT.exec(trimmed);
  if (!match?.groups) return null;
  const hostname = normaliseHostname(match.groups.host!);
  if (!hostname) return null;
  if (match.groups.port === undefined) return { hostname, port: 'default' };
  const port = Number(match.groups.port);
  return port >= 1 && port <= 65535 ? { hostname, port } : null;
}

/** The host of a configured base URL such as ACTIVE_APP_HOST; null when it is not an http(s) URL. */
export function allowedHostFromUrl(value: string): AllowedHost | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return { hostname: url.hostname, port: url.port === '' ? 'default' : Number(url.port) };
}

/** The app and api host of every cluster, then the extra entries; duplicates removed. */
export function buildAllowList(
  clusterHosts: Record<string, ClusterHosts>,
  extra: readonly AllowedHost[],
): AllowedHost[] {
  const fromClusters = Object.values(clusterHosts)
    .flatMap((hosts) => [hosts.app, hosts.api])
    .filter((value): value is string => typeof value === 'string' && value.length > 0)
    .map(allowedHostFromUrl)
    .filter((host): host is AllowedHost => host !== null);
  const seen = new Set<string>();
  return [...fromClusters, ...extra].filter((host) => {
    const key = describeAllowedHost(host);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function describeAllowedHost(host: AllowedHost): string {
  return host.port === 'default' ? host.hostname : `${host.hostname}:${host.port}`;
}

function normaliseHostname(host: string): string | null {
  try {
    const hostname = new URL(`http://${host}/`).hostname;
    return hostname === '' ? null : hostname;
  } catch {
    return null;
  }
}

/**
 * The guard every audit goes through (the first URL, and every request of the browser through its proxy):
 * the core's, with the cluster hosts, OUTBOUND_ALLOWED_HOSTS and LIGHTHOUSE_ALLOWED_HOSTS.
 */
export function auditGuard(
  core: Pick<CoreConfig, 'hosts' | 'security'>,
  allowedHosts: readonly AllowedHost[],
  resolve?: Resolve,
): UrlGuard {
  return createUrlGuard({
    core,
    allowedHosts: buildAllowList({}, allowedHosts).map(describeAllowedHost),
    setting: 'LIGHTHOUSE_ALLOWED_HOSTS or OUTBOUND_ALLOWED_HOSTS',
    ...(resolve ? { resolve } : {}),
  });
}
