import type { ClusterHosts } from '../../src/module-api.js';

/**
 * A host audits may go to. `port: 'default'` means the scheme's own port (80 for http, 443 for https),
 * written without a port; a number means exactly that port, whatever the scheme.
 */
export interface AllowedHost {
  hostname: string;
  port: number | 'default';
}

export type UrlCheck = { ok: true; url: string } | { ok: false; url: string; reason: string };

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
export function buildAllowList(clusterHosts: Record<string, ClusterHosts>, extra: readonly AllowedHost[]): AllowedHost[] {
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

/**
 * Whether the hub may point a browser at `value`. Only http(s), no credentials in the URL (they would
 * end up in the stored report), and a host (with port) that the configuration names, so a deployment
 * payload cannot make the hub browse its own network (cloud metadata, admin ports, other services).
 */
export function checkAuditUrl(value: string, allowed: readonly AllowedHost[]): UrlCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, url: value, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, url: value, reason: `scheme ${url.protocol.replace(/:$/, '')} is not http or https` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, url: redactCredentials(url), reason: 'URLs with credentials are not audited' };
  }
  if (!isAllowedHost(url, allowed)) {
    return {
      ok: false,
      url: url.href,
      reason: `host ${url.host} is not a cluster host or in LIGHTHOUSE_ALLOWED_HOSTS`,
    };
  }
  return { ok: true, url: url.href };
}

export function isAllowedHost(url: URL, allowed: readonly AllowedHost[]): boolean {
  const effectivePort = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return allowed.some(
    (host) =>
      host.hostname === url.hostname && (host.port === 'default' ? url.port === '' : host.port === effectivePort),
  );
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

function redactCredentials(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
