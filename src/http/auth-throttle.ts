import type { Request, RequestHandler } from 'express';
import { HubError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { Db } from '../store/db.js';
import { blockedAddresses, countAuthFailure } from '../store/security-repo.js';

/** Failed authentications are counted per client address in windows of this length. */
export const AUTH_FAILURE_WINDOW_SECONDS = 60;
/** How stale this replica's view of the addresses blocked on other replicas may be. */
const REFRESH_MS = 1_000;
/** Headers that carry a credential of one of the hub's guards. */
const CREDENTIAL_HEADERS = ['authorization', 'x-alvares-signature', 'x-hub-signature-256', 'x-gitlab-token'];

/**
 * Throttles guessing: every 401 the hub answers (a wrong ingest, read, admin or metrics token, a bad signature,
 * a failed sign-in) counts against the client's address in PostgreSQL, so every replica sees the same count.
 * Past `perMinute` failures in a window, a request from that address that carries a credential is refused with
 * 429 and Retry-After until the window ends, before its credential is checked (so the refusal tells a guesser
 * nothing). Good clients pay nothing: a request that passes is never counted, and the check in front reads
 * this replica's copy of the blocked addresses, refreshed from PostgreSQL in the background at most once a second.
 */
export class AuthThrottle {
  private blocked = new Map<string, number>();
  private refreshedAt = 0;
  private refreshing = false;

  constructor(
    private readonly db: Db,
    private readonly perMinute: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  readonly middleware: RequestHandler = (req, res, next) => {
    if (this.perMinute <= 0) return next();
    const address = addressOf(req);
    res.on('finish', () => {
      if (res.statusCode === 401) void this.countFailure(address);
    });
    if (!carriesCredential(req)) return next();
    this.refreshInBackground();
    const until = this.blocked.get(address);
    if (until === undefined || until <= this.now()) return next();
    const wait = Math.max(1, Math.ceil((until - this.now()) / 1000));
    next(
      new HubError(
        'HUB_ERR_RATE_LIMITED',
        `more than ${this.perMinute} failed authentications a minute from this address; retry in ${wait} s`,
        undefined,
        { 'Retry-After': String(wait) },
      ),
    );
  };

  private async countFailure(address: string): Promise<void> {
    try {
      const { failures, remainingSeconds } = await countAuthFailure(this.db, address, AUTH_FAILURE_WINDOW_SECONDS);
      if (failures >= this.perMinute) {
        this.blocked.set(address, this.now() + remainingSeconds * 1000);
        if (failures === this.perMinute)
          this.logger.warn('client address throttled after failed authentications', { address, failures });
      }
    } catch (error) {
      // The store being away must not turn a 401 into anything else; the count resumes when it is back.
      this.logger.debug('failed authentication not counted', { error: String(error) });
    }
  }

  private refreshInBackground(): void {
    if (this.refreshing || this.now() - this.refreshedAt < REFRESH_MS) return;
    this.refreshing = true;
    blockedAddresses(this.db, this.perMinute, AUTH_FAILURE_WINDOW_SECONDS)
      .then((rows) => {
        const now = this.now();
        this.blocked = new Map(rows.map((row) => [row.address, now + row.remainingSeconds * 1000]));
        this.refreshedAt = now;
      })
      .catch(() => {
        this.refreshedAt = this.now();
      })
      .finally(() => {
        this.refreshing = false;
      });
  }
}

function addressOf(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}

function carriesCredential(req: Request): boolean {
  if (CREDENTIAL_HEADERS.some((name) => req.headers[name] !== undefined)) return true;
  return req.method === 'POST' && req.path === '/sign-in';
}
