import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { SecurityConfig } from '../config/security.js';
import { CONFIG_SCHEMA_PATH } from '../config-file/json-schema.js';
import { HubError } from '../errors.js';
import type { Db } from '../store/db.js';
import { rememberSignature } from '../store/security-repo.js';
import { RateLimiter } from './rate-limit.js';

export type TokenKind = 'read' | 'admin';

/** Signed requests are accepted this far from the hub's clock, either way. */
export const SIGNATURE_SKEW_SECONDS = 300;
export const SIGNATURE_HEADER = 'X-Alvares-Signature';

/** What ingest authentication found out: the sender's name (null when ingest is open). */
export interface IngestRequest extends Request {
  sender?: string | null;
  /** A signature to check against the body, once it has been read (json-body's verify hook). */
  pendingSignature?: { timestamp: string; signatures: string[] };
  /** The signature that matched, to be recorded as used (a replay of it is refused). */
  verifiedSignature?: { digest: Buffer; timestamp: number };
}

/** What the signature covers, in this order, joined by dots: the timestamp, the Idempotency-Key (empty when none), the body. */
export function signedContent(timestamp: string, idempotencyKey: string | undefined): string {
  return `${timestamp}.${idempotencyKey ?? ''}.`;
}

const SIGNATURE_FORM = `${SIGNATURE_HEADER} must be t=<unix seconds>,v2=<hex HMAC-SHA256 of "t.idempotency-key.body">`;

/**
 * The hub's one place for credentials: bearer tokens of the admin, read and ingest routes, ingest
 * signatures, and the per-sender rate limit. Every comparison is constant-time over SHA-256 digests (equal
 * lengths whatever was sent), every token is compared (no early exit that would tell which one matched a
 * prefix), and no token or signature is ever put into an error or a log line.
 */
export class Access {
  private readonly admin: Buffer | null;
  private readonly read: Buffer | null;
  private readonly ingestTokens: Array<{ name: string; digest: Buffer }>;
  private readonly limiter: RateLimiter | null;

  constructor(
    private readonly config: { adminToken?: string; security: SecurityConfig },
    private readonly now: () => number = Date.now,
    /** Where accepted signatures are recorded, so each is accepted once across replicas. */
    private readonly db?: Db,
  ) {
    this.admin = config.adminToken ? digest(config.adminToken) : null;
    this.read = config.security.readToken ? digest(config.security.readToken) : null;
    this.ingestTokens = config.security.ingestTokens.map((entry) => ({
      name: entry.name,
      digest: digest(entry.token),
    }));
    const rate = config.security.ingestRatePerMinute;
    this.limiter = rate > 0 ? new RateLimiter(rate, now) : null;
  }

  /** Whether ingest needs credentials at all (INGEST_TOKENS or INGEST_HMAC_SECRET set). */
  get ingestClosed(): boolean {
    return this.ingestTokens.length > 0 || this.config.security.ingestHmacSecret !== undefined;
  }

  /** Whether `candidate` is the token of `kind` (the admin token also opens what the read token does). For a sign-in form. */
  tokenMatches(kind: TokenKind, candidate: string): boolean {
    const given = digest(candidate);
    const admin = this.admin !== null && timingSafeEqual(given, this.admin);
    const read = this.read !== null && timingSafeEqual(given, this.read);
    return kind === 'admin' ? admin : admin || read;
  }

  /**
   * Bearer check of a route. `admin`: without ADMIN_TOKEN the route does not exist (404) rather than being
   * open. `read`: open while READ_TOKEN is unset; then the read or the admin token.
   */
  requireToken(kind: TokenKind): RequestHandler {
    return (req, _res, next) => {
      if (kind === 'admin' && !this.admin)
        return next(new HubError('HUB_ERR_NOT_FOUND', `no route for ${req.method} ${req.path}`));
      if (kind === 'read' && !this.read) return next();
      const token = bearerOf(req);
      if (token !== null && this.tokenMatches(kind, token)) return next();
      // The admin wording is the one the admin API always answered with (the redactor masks what follows "Bearer").
      next(
        unauthorized(
          kind === 'admin'
            ? 'admin routes need Authorization: Bearer <ADMIN_TOKEN>'
            : 'read routes need the READ_TOKEN (or the admin token) as a bearer token',
        ),
      );
    };
  }

  /**
   * The admin token, or (when INGEST_TOKENS is set) an ingest token, so a pipeline step can act around its own
   * deploy (mute it). Who it was goes to `res.locals.actor`: `admin` or the ingest token's name. Without an admin
   * token and ingest tokens the route does not exist (404), as admin routes.
   */
  readonly adminOrIngestToken: RequestHandler = (req, res, next) => {
    if (!this.admin && this.ingestTokens.length === 0)
      return next(new HubError('HUB_ERR_NOT_FOUND', `no route for ${req.method} ${req.path}`));
    const token = bearerOf(req);
    if (token !== null) {
      const given = digest(token);
      let actor: string | null = this.admin !== null && timingSafeEqual(given, this.admin) ? 'admin' : null;
      for (const entry of this.ingestTokens) if (timingSafeEqual(given, entry.digest)) actor ??= entry.name;
      if (actor !== null) {
        res.locals.actor = actor;
        return next();
      }
    }
    next(
      unauthorized(
        this.ingestTokens.length > 0
          ? 'this route needs Authorization: Bearer <ADMIN_TOKEN> or a token of INGEST_TOKENS'
          : 'admin routes need Authorization: Bearer <ADMIN_TOKEN>',
      ),
    );
  };

  /**
   * Ingest's first check, before the body is read: a known bearer token names the sender; a signature
   * header is checked for its form and its age now and against the body once it is read (`verifyBody`).
   */
  readonly ingestCredentials: RequestHandler = (req, _res, next) => {
    const ingest = req as IngestRequest;
    ingest.sender = null;
    if (!this.ingestClosed) return next();
    const token = bearerOf(req);
    if (token !== null && this.ingestTokens.length > 0) {
      const given = digest(token);
      let sender: string | null = null;
      for (const entry of this.ingestTokens) if (timingSafeEqual(given, entry.digest)) sender = entry.name;
      if (sender === null) return next(unauthorized('the bearer token is not one of INGEST_TOKENS'));
      ingest.sender = sender;
      return next();
    }
    const header = req.get(SIGNATURE_HEADER);
    if (header !== undefined && this.config.security.ingestHmacSecret) {
      const parsed = parseSignature(header);
      if (parsed === 'v1')
        return next(
          unauthorized(
            `v1 signatures (over "t.body") are no longer accepted: ${SIGNATURE_FORM}, so the Idempotency-Key is signed too`,
          ),
        );
      if (!parsed) return next(unauthorized(SIGNATURE_FORM));
      const skew = Math.abs(this.now() / 1000 - Number(parsed.timestamp));
      if (skew > SIGNATURE_SKEW_SECONDS)
        return next(
          unauthorized(`the signature's timestamp is more than ${SIGNATURE_SKEW_SECONDS} s from the hub's clock`),
        );
      ingest.pendingSignature = parsed;
      return next();
    }
    const ways = [
      this.ingestTokens.length > 0 ? 'a bearer token of INGEST_TOKENS' : null,
      this.config.security.ingestHmacSecret ? `an ${SIGNATURE_HEADER} header` : null,
    ];
    next(unauthorized(`ingest routes need ${ways.filter(Boolean).join(' or ')}`));
  };

  /** json-body's verify hook: the signature over the body as read (after Content-Encoding). Throws a 401. */
  verifyBody(req: Request, body: Buffer): void {
    const ingest = req as IngestRequest;
    const pending = ingest.pendingSignature;
    if (!pending) return;
    const expected = createHmac('sha256', this.config.security.ingestHmacSecret!)
      .update(signedContent(pending.timestamp, req.get('Idempotency-Key')))
      .update(body)
      .digest();
    let valid = false;
    for (const signature of pending.signatures) {
      const given = Buffer.from(signature, 'hex');
      if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
    }
    if (!valid) throw unauthorized(`the ${SIGNATURE_HEADER} signature does not match the body`);
    ingest.pendingSignature = undefined;
    ingest.verifiedSignature = {
      digest: createHash('sha256').update(expected).digest(),
      timestamp: Number(pending.timestamp),
    };
    ingest.sender = 'hmac';
  }

  /**
   * A signed request whose body was never read (none sent) has not proven anything. One that has is
   * recorded; the same signature again, on any replica, is refused while its timestamp would still pass.
   */
  readonly requireVerified: RequestHandler = async (req, _res, next) => {
    const ingest = req as IngestRequest;
    if (ingest.pendingSignature) return next(unauthorized(`the ${SIGNATURE_HEADER} signature does not match the body`));
    const verified = ingest.verifiedSignature;
    if (!verified || !this.db) return next();
    const expiresAt = new Date((verified.timestamp + SIGNATURE_SKEW_SECONDS + 1) * 1000);
    if (await rememberSignature(this.db, verified.digest, expiresAt)) return next();
    next(
      new HubError(
        'HUB_ERR_CONFLICT',
        'this signed request was accepted before; a retry is signed anew (a new t, the same Idempotency-Key)',
      ),
    );
  };

  /** INGEST_RATE_PER_MINUTE per sender (per client address while ingest is open): 429 with Retry-After. */
  readonly rateLimit: RequestHandler = (req, _res, next) => {
    if (!this.limiter) return next();
    const sender = (req as IngestRequest).sender;
    const key = sender ? `sender:${sender}` : `address:${req.socket.remoteAddress ?? 'unknown'}`;
    const waitSeconds = this.limiter.take(key);
    if (waitSeconds === 0) return next();
    next(
      new HubError(
        'HUB_ERR_RATE_LIMITED',
        `more than ${this.config.security.ingestRatePerMinute} requests a minute from ${sender ?? 'this address'}; retry in ${waitSeconds} s`,
        undefined,
        {
          'Retry-After': String(waitSeconds),
        },
      ),
    );
  };
}

/**
 * READ_TOKEN in front of every read under /api/v1 (the core's, and module routes such as the deployment
 * history and Lighthouse reports, present and future) except the schemas (the ingest bodies', the configuration
 * file's), which document the public contract.
 * Writes keep their own checks (ingest credentials, the admin token); /health and /ready stay open.
 */
export function readGuard(access: Access): RequestHandler {
  const guard = access.requireToken('read');
  return (req, res, next) => {
    const read = req.method === 'GET' || req.method === 'HEAD';
    const contract = req.path.startsWith('/api/v1/schemas/') || req.path === CONFIG_SCHEMA_PATH;
    if (read && req.path.startsWith('/api/v1/') && !contract) guard(req, res, next);
    else next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function bearerOf(req: Request): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
  return match ? match[1]!.trim() : null;
}

function unauthorized(message: string): HubError {
  return new HubError('HUB_ERR_UNAUTHORIZED', message, undefined, { 'WWW-Authenticate': 'Bearer' });
}

/**
 * `t=1763800000,v2=<hex>[,v2=<hex>]`: several v2 values let a sender roll its secret. 'v1' when the header
 * is the earlier form, which signed no Idempotency-Key, so a sender is told what changed.
 */
function parseSignature(header: string): { timestamp: string; signatures: string[] } | 'v1' | null {
  let timestamp: string | null = null;
  const signatures: string[] = [];
  let v1 = false;
  for (const part of header.split(',')) {
    const [key, value, extra] = part.trim().split('=');
    if (extra !== undefined || value === undefined) return null;
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = value;
    else if (key === 'v2' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value);
    else if (key === 'v1') v1 = true;
  }
  if (timestamp !== null && signatures.length > 0) return { timestamp, signatures };
  return v1 && signatures.length === 0 ? 'v1' : null;
}
