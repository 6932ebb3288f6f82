import net from 'node:net';

/**
 * Where the hub may connect (OUTBOUND_ALLOWED_HOSTS, the cluster hosts, a module's own list), one entry each:
 *
 * - `app.example.com`: that name on the scheme's default port (80 for http, 443 for https);
 * - `app.example.com:8443`: that name on exactly that port;
 * - `*.example.com` (optionally `:port`): any name under it (not the bare name);
 * - `10.1.2.3`, `[fd00::1]:8080`, `10.0.0.0/8`, `fd00::/8`: addresses. An URL naming an address in it
 *   (with the port when one is given, any port otherwise) is allowed, and so is a name whose DNS
 *   answer falls in it: this is how a private address is allowed explicitly;
 * - an http(s) URL: its host and port, as above.
 */
export type HostRule =
  | { kind: 'name'; hostname: string; port: number | 'default'; wildcard: boolean; entry: string }
  | { kind: 'address'; network: string; prefix: number; family: 4 | 6; port: number | 'any'; entry: string };

const HOST_PORT = /^(?<host>\[[0-9a-f:.]+\]|[^:/?#@[\]\s]+)(?::(?<port>\d{1,5}))?$/i;
const CIDR = /^(?<address>[0-9a-f:.]+)\/(?<prefix>\d{1,3})$/i;

/** One entry parsed, or null when it is none of the forms above. */
export function parseHostRule(raw: string): HostRule | null {
  const entry = raw.trim();
  if (entry === '') return null;
  const cidr = CIDR.exec(entry);
  if (cidr?.groups) {
    const address = cidr.groups.address!;
    const family = net.isIPv4(address) ? 4 : net.isIPv6(address) ? 6 : 0;
    const prefix = Number(cidr.groups.prefix);
    if (family === 0 || prefix > (family === 4 ? 32 : 128)) return null;
    return { kind: 'address', network: address, prefix, family, port: 'any', entry };
  }
  let host: string;
  let port: string | undefined;
  if (entry.includes('://')) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return null;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    host = url.hostname;
    port = url.port === '' ? undefined : url.port;
  } else {
    const match = HOST_PORT.exec(entry);
    if (!match?.groups) return null;
    host = match.groups.host!;
    port = match.groups.port;
  }
  const portNumber = port === undefined ? undefined : Number(port);
  if (portNumber !== undefined && (portNumber < 1 || portNumber > 65535)) return null;
  const bare = host.replace(/^\[|\]$/g, '');
  if (net.isIP(bare)) {
    return {
      kind: 'address',
      network: bare,
      prefix: net.isIPv4(bare) ? 32 : 128,
      family: net.isIPv4(bare) ? 4 : 6,
      port: portNumber ?? 'any',
      entry,
    };
  }
  const wildcard = host.startsWith('*.');
  const hostname = normaliseHostname(wildcard ? host.slice(2) : host);
  if (!hostname) return null;
  // WHATWG parsing reads `0x7f.1` or `2130706433` as an IPv4 address: such a "name" is an address.
  if (net.isIP(hostname)) {
    return wildcard
      ? null
      : { kind: 'address', network: hostname, prefix: 32, family: 4, port: portNumber ?? 'any', entry };
  }
  return { kind: 'name', hostname, port: portNumber ?? 'default', wildcard, entry };
}

/** Every entry parsed; the ones that are not rules come back as problems. */
export function parseHostRules(entries: readonly string[]): { rules: HostRule[]; problems: string[] } {
  const rules: HostRule[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const rule = parseHostRule(entry);
    if (rule) rules.push(rule);
    else problems.push(`"${entry}" is not a host, host:port, *.domain, address, CIDR or http(s) URL`);
  }
  return { rules, problems };
}

/** Host names compare as the URL parser writes them (lower case, punycode, trailing dot kept off). */
export function normaliseHostname(host: string): string | null {
  try {
    const hostname = new URL(`http://${host}/`).hostname.replace(/\.$/, '');
    return hostname === '' ? null : hostname;
  } catch {
    return null;
  }
}
