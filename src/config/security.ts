import { z } from 'zod';
import { MIN_SECRET, envString, readEnvFields, type Env } from './env.js';
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
/** Enough for a person mistyping and a pipeline with a stale token to be told 401 for a while; far too few to guess. */
export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 20;

/**
 * The variables read here, each trimmed (blank is unset). Their rules need more than one field's view (unique
 * tokens, problems that must not quote a token), so `parseSecurity` checks them; the schema names and describes
 * them for the configuration reference.
 */
export const securitySchema = z.object({
  INGEST_TOKENS: envString().meta({
    secret: true,
    default: '(empty: ingest open)',
    description:
      "`name:token,name2:token2`. The ingest routes (`/api/v1/deployment`, `/error`, `/recommendation`, `/deployment/enrich`, `/cdevents`) then need `Authorization: Bearer <token>`; the name (letters, digits, `.`, `_`, `-`, up to 64) is recorded as the event's `sender`. Tokens at least 16 characters, unique.",
  }),
  INGEST_HMAC_SECRET: envString().meta({
    secret: true,
    description:
      'At least 16 characters. Ingest then also accepts `X-Alvares-Signature: t=<unix seconds>,v2=<hex HMAC-SHA256 of "<t>.<Idempotency-Key>.<body>">` (the key empty when none is sent; the body as sent, after Content-Encoding is undone; several `v2=` allowed, one must match), at most 300 s from the hub\'s clock; each signature is accepted once, on any replica (409 for a replay); `sender` is `hmac`. The earlier `v1=` form is refused. With both set, either credential is enough. See [security](security.md#signed-requests).',
  }),
  INGEST_RATE_PER_MINUTE: envString().meta({
    default: '`0` (off)',
    description:
      "Ingest requests per minute per sender (per client address while ingest is open), 0-1000000; a burst of the whole minute's budget, refilled evenly. Past it: `429` with `Retry-After` (seconds). Counted per hub replica.",
  }),
  AUTH_FAILURES_PER_MINUTE: envString().meta({
    default: `\`${DEFAULT_AUTH_FAILURES_PER_MINUTE}\``,
    description:
      'Failed authentications (any `401`: a wrong ingest, read, admin or metrics token, a bad signature, a failed sign-in) per client address and minute, 0 (off) to 1000000. Past it, every request from that address that carries a credential gets `429` with `Retry-After` until the minute is over, whichever replica it reaches (counted in PostgreSQL). Requests that pass are never counted. See [security](security.md#throttling).',
  }),
  READ_TOKEN: envString().meta({
    secret: true,
    default: '(unset: reads open)',
    description:
      'At least 16 characters. Every `GET`/`HEAD` under `/api/v1/` (events, deployments, modules, schedules, Lighthouse reports, module routes) except `/api/v1/schemas/*` and `/api/v1/config/schema.json` then needs `Authorization: Bearer <READ_TOKEN>` (the `ADMIN_TOKEN` works too). `/health` and `/ready` stay open.',
  }),
  OUTBOUND_ALLOWED_HOSTS: envString().meta({
    default: '(empty)',
    description:
      "Hosts, besides the cluster hosts (`*_APP_HOST`, `*_API_HOST`), that modules may fetch URLs from payloads from (Lighthouse audits and every request of its browser). Entries: `host` (the scheme's default port), `host:port`, `*.domain[:port]` (names under it), an address `10.1.2.3[:port]` / `[fd00::1]:8080`, a CIDR `10.0.0.0/8` (any port), or an http(s) URL. Loopback, private, link-local, metadata and other special addresses (a URL naming one, or a name resolving to one) are refused unless an address or CIDR entry names them. A bad entry stops start-up.",
  }),
});

export function parseSecurity(env: Env): { value: SecurityConfig; problems: string[] } {
  const read = readEnvFields(securitySchema, env);
  const { problems, value } = read;

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
      ingestHmacSecret: read.secret('INGEST_HMAC_SECRET'),
      ingestRatePerMinute: read.wholeNumber('INGEST_RATE_PER_MINUTE', 0, 1_000_000),
      authFailuresPerMinute: read.wholeNumber('AUTH_FAILURES_PER_MINUTE', DEFAULT_AUTH_FAILURES_PER_MINUTE, 1_000_000),
      readToken: read.secret('READ_TOKEN'),
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
