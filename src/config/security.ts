import type { Env } from './env.js';
import { parseHostRules, type HostRule } from './host-rules.js';

/** Who may send, who may read, and where the hub may connect: the environment's side of the security model (docs/reference/security.md). */
export interface SecurityConfig {
  /** INGEST_TOKENS: `name:token` pairs. Empty (and no HMAC secret): ingest is open, as Aspen's contract has it. */
  ingestTokens: Array<{ name: string; token: string }>;
  /** INGEST_HMAC_SECRET: requests signed with it (X-Alvares-Signature) are accepted as sender `hmac`. */
  ingestHmacSecret?: string;
  /** INGEST_RATE_PER_MINUTE: requests per sender and minute on the ingest routes; 0 is off. */
  ingestRatePerMinute: number;
  /** AUTH_FAILURES_PER_MINUTE: failed authentications per client address and minute before 429; 0 is off. */
  authFailuresPerMinute: number;
  /** READ_TOKEN: the read routes need it (or the admin token) as a bearer token. */
  readToken?: string;
  /** OUTBOUND_ALLOWED_HOSTS, parsed: hosts besides the cluster hosts that modules may fetch payload URLs from. */
  outboundAllowedHosts: HostRule[];
}

const SENDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MIN_SECRET = 16;
/** Enough for a person mistyping and a pipeline with a stale token to be told 401 for a while; far too few to guess. */
export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 20;

export function parseSecurity(env: Env): { value: SecurityConfig; problems: string[] } {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const secret = (name: string) => {
    const given = value(name);
    if (given !== undefined && given.length < MIN_SECRET)
      problems.push(`${name}: must be at least ${MIN_SECRET} characters`);
    return given;
  };

  const ingestTokens: SecurityConfig['ingestTokens'] = [];
  for (const pair of (value('INGEST_TOKENS') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const colon = pair.indexOf(':');
    const name = colon > 0 ? pair.slice(0, colon).trim() : '';
    const token = colon > 0 ? pair.slice(colon + 1).trim() : '';
    // The problem names the sender only: the entry holds a token, which must not reach a log.
    if (!SENDER_NAME.test(name))
      problems.push(`INGEST_TOKENS: an entry is not "name:token" (names are letters, digits, . _ -)`);
    else if (token.length < MIN_SECRET)
      problems.push(`INGEST_TOKENS: the token of "${name}" must be at least ${MIN_SECRET} characters`);
    else if (ingestTokens.some((known) => known.name === name))
      problems.push(`INGEST_TOKENS: "${name}" is listed twice`);
    else if (ingestTokens.some((known) => known.token === token))
      problems.push(`INGEST_TOKENS: "${name}" has the token of another sender`);
    else ingestTokens.push({ name, token });
  }

  const rateText = value('INGEST_RATE_PER_MINUTE');
  const rate = rateText === undefined ? 0 : Number(rateText);
  if (!Number.isInteger(rate) || rate < 0 || rate > 1_000_000)
    problems.push('INGEST_RATE_PER_MINUTE: expected a whole number from 0 (off) to 1000000');

  const failuresText = value('AUTH_FAILURES_PER_MINUTE');
  const failures = failuresText === undefined ? DEFAULT_AUTH_FAILURES_PER_MINUTE : Number(failuresText);
  if (!Number.isInteger(failures) || failures < 0 || failures > 1_000_000)
    problems.push('AUTH_FAILURES_PER_MINUTE: expected a whole number from 0 (off) to 1000000');

  const hosts = parseHostRules(
    (value('OUTBOUND_ALLOWED_HOSTS') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  );
  problems.push(...hosts.problems.map((problem) => `OUTBOUND_ALLOWED_HOSTS: ${problem}`));

  return {
    value: {
      ingestTokens,
      ingestHmacSecret: secret('INGEST_HMAC_SECRET'),
      ingestRatePerMinute: Number.isInteger(rate) ? rate : 0,
      authFailuresPerMinute: Number.isInteger(failures) ? failures : DEFAULT_AUTH_FAILURES_PER_MINUTE,
      readToken: secret('READ_TOKEN'),
      outboundAllowedHosts: hosts.rules,
    },
    problems,
  };
}

/** The values of this config that must never be printed. */
export function securitySecrets(config: SecurityConfig): string[] {
  return [...config.ingestTokens.map((entry) => entry.token), config.ingestHmacSecret, config.readToken].filter(
    (item): item is string => typeof item === 'string',
  );
}
