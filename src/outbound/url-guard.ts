import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';
import type { CoreConfig } from '../config/config.js';
import { parseHostRule, type HostRule } from '../config/host-rules.js';
import { DeliveryError } from '../errors.js';
import { specialRange } from './address-ranges.js';

export type Resolve = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface UrlGuardOptions {
  /** The hub's settings: their cluster hosts and OUTBOUND_ALLOWED_HOSTS are allowed. */
  core?: Pick<CoreConfig, 'hosts' | 'security'>;
  /** More entries (a module's own list): `host`, `host:port`, `*.domain`, an address or CIDR, an http(s) URL. */
  allowedHosts?: ReadonlyArray<string | HostRule>;
  /** The setting named in refusals ("… is not a cluster host or in <setting>"). */
  setting?: string;
  /** DNS; the system resolver (getaddrinfo, /etc/hosts included) by default. */
  resolve?: Resolve;
}

/** An allowed URL and the one address it is to be fetched from (connect there, not to a fresh DNS answer). */
export type Checked =
  | { ok: true; url: string; hostname: string; port: number; address: string; family: 4 | 6 }
  | {
      ok: false;
      url: string;
      reason: string;
      /** DNS failed: may change by itself, unlike a refusal. */ temporary?: boolean;
    };

export interface Refused {
  url: string;
  reason: string;
}

export interface UrlGuard {
  check(url: string): Promise<Checked>;
  /** The guard's rules, as entries (for logs and the status page). */
  readonly entries: string[];
}

const DNS_TIMEOUT_MS = 5_000;

/**
 * The one place the hub decides whether it may connect to a URL it did not configure itself (a payload's
 * accessibilityUrls, an endpoint to inspect): http or https, no credentials, a host the configuration
 * names, and, once the name is resolved, no loopback, private, link-local or metadata address unless an
 * address or CIDR entry names it. Callers connect to `address` (see guarded-fetch.ts, guarded-proxy.ts), so
 * a second DNS answer (rebinding) is never used, and check every redirect hop again.
 */
export function createUrlGuard(options: UrlGuardOptions): UrlGuard {
  const rules = [
    ...clusterEntries(options.core),
    ...(options.core?.security.outboundAllowedHosts ?? []),
    ...(options.allowedHosts ?? []).map((entry) => (typeof entry === 'string' ? parseHostRule(entry) : entry)),
  ].filter((rule): rule is HostRule => rule !== null);
  const matchers = rules.map((rule) => ({ rule, list: rule.kind === 'address' ? subnet(rule) : null }));
  const setting = options.setting ?? 'OUTBOUND_ALLOWED_HOSTS';
  const resolve = options.resolve ?? ((hostname: string) => dnsLookup(hostname, { all: true, verbatim: true }));

  const addressRule = (address: string, port: number, family: 4 | 6) =>
    matchers.some(
      ({ rule, list }) =>
        rule.kind === 'address' &&
        (rule.port === 'any' || rule.port === port) &&
        list!.check(address, family === 4 ? 'ipv4' : 'ipv6'),
    );

  return {
    entries: rules.map((rule) => rule.entry),
    async check(value: string): Promise<Checked> {
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
        url.username = '';
        url.password = '';
        return { ok: false, url: url.href, reason: 'URLs with credentials are not fetched' };
      }
      const href = url.href;
      const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
      const hostname = url.hostname.replace(/^\[|\]$/g, '');
      const notKnown = {
        ok: false as const,
        url: href,
        reason: `host ${url.host} is not a cluster host or in ${setting}`,
      };

      const literal = net.isIP(hostname);
      if (literal !== 0) {
        const family = literal as 4 | 6;
        return addressRule(hostname, port, family)
          ? { ok: true, url: href, hostname, port, address: hostname, family }
          : notKnown;
      }
      const named = rules.some(
        (rule) =>
          rule.kind === 'name' &&
          (rule.wildcard ? hostname.endsWith(`.${rule.hostname}`) : hostname === rule.hostname) &&
          (rule.port === 'default' ? url.port === '' : rule.port === port),
      );
      if (!named) return notKnown;

      let answers: Array<{ address: string; family: number }>;
      try {
        answers = await withTimeout(resolve(hostname), DNS_TIMEOUT_MS);
      } catch (error) {
        return {
          ok: false,
          url: href,
          reason: `host ${hostname} could not be resolved (${(error as { code?: string }).code ?? 'DNS error'})`,
          temporary: true,
        };
      }
      if (answers.length === 0)
        return { ok: false, url: href, reason: `host ${hostname} has no address`, temporary: true };
      // Every answer must pass: a name answering one public and one private address is refused, not
      // tried on the public one (the next lookup, by anyone, may well prefer the other).
      for (const answer of answers) {
        const family = answer.family === 6 ? 6 : 4;
        const range = specialRange(answer.address);
        if (range && !addressRule(answer.address, port, family)) {
          return {
            ok: false,
            url: href,
            reason: `host ${hostname} resolves to ${answer.address} (${range}), which is not allowed explicitly`,
          };
        }
      }
      const chosen = answers[0]!;
      return { ok: true, url: href, hostname, port, address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
    },
  };
}

/** A refusal as a delivery outcome: permanent (configuration, not time, changes the answer), naming every URL. */
export class UrlRefusedError extends DeliveryError {
  constructor(
    readonly refused: readonly Refused[],
    what = 'the hub may not connect to',
  ) {
    super(`${what} ${refused.map((entry) => `${entry.url} (${entry.reason})`).join(', ')}`, {
      permanent: true,
      code: 'HUB_ERR_REFUSED',
      reason: 'URL_REFUSED',
    });
    this.name = 'UrlRefusedError';
  }
}

/** The app and api host of every cluster: the hosts the hub knows without being told more. */
function clusterEntries(core: UrlGuardOptions['core']): Array<HostRule | null> {
  if (!core) return [];
  return Object.values(core.hosts)
    .flatMap((hosts) => [hosts.app, hosts.api])
    .filter((value): value is string => typeof value === 'string' && value !== '')
    .map(parseHostRule);
}

function subnet(rule: Extract<HostRule, { kind: 'address' }>): net.BlockList {
  const list = new net.BlockList();
  list.addSubnet(rule.network, rule.prefix, rule.family === 4 ? 'ipv4' : 'ipv6');
  return list;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('DNS timed out'), { code: 'ETIMEOUT' })), ms);
    timer.unref();
    promise.finally(() => clearTimeout(timer)).then(resolve, reject);
  });
}
