import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { HubError } from '../errors.js';

/**
 * Who may read and act on the status page, in one place. Signing in with ADMIN_TOKEN gives a session
 * cookie (HttpOnly, SameSite=Strict) signed with a key derived from the token, so changing the token ends
 * every session and the hub keeps no session table. Every form carries a CSRF token bound to a random
 * per-browser cookie; a POST needs both to match, plus a same-origin Origin when the browser sends one.
 */
const SESSION_COOKIE = 'alvares_session';
const CSRF_COOKIE = 'alvares_csrf';
const FLASH_COOKIE = 'alvares_flash';
const SESSION_SECONDS = 12 * 3600;

export interface Viewer {
  /** Signed in with the admin token: actions are offered. */
  admin: boolean;
  /** The token every form of this page carries. */
  csrf: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    viewer?: Viewer;
  }
}

export class PageAuth {
  private readonly key: Buffer | null;
  private readonly tokenHash: Buffer | null;
  private readonly readHash: Buffer | null;

  constructor(private readonly options: { adminToken?: string; readToken?: string; publicReading: boolean }) {
    this.key = options.adminToken
      ? createHmac('sha256', options.adminToken).update('alvares status page session v1').digest()
      : null;
    this.tokenHash = options.adminToken ? sha256(options.adminToken) : null;
    this.readHash = options.readToken ? sha256(options.readToken) : null;
  }

  /** Whether anyone may read without signing in (STATUS_PAGE_PUBLIC, the default). */
  get publicReading(): boolean {
    return this.options.publicReading;
  }

  /** Whether there is any way to sign in (ADMIN_TOKEN set). */
  get canSignIn(): boolean {
    return this.key !== null;
  }

  /** Works out the viewer of every page request, and hands a browser its CSRF cookie the first time. */
  readonly identify: RequestHandler = (req, res, next) => {
    const cookies = parseCookies(req.get('cookie'));
    let nonce = cookies[CSRF_COOKIE];
    if (!nonce || !/^[A-Za-z0-9_-]{22,64}$/.test(nonce)) {
      nonce = randomBytes(18).toString('base64url');
      res.append('Set-Cookie', cookie(req, CSRF_COOKIE, nonce, null));
    }
    req.viewer = { admin: this.validSession(cookies[SESSION_COOKIE]), csrf: this.sign(`csrf:${nonce}`) };
    (req as Request & { csrfNonce?: string }).csrfNonce = nonce;
    next();
  };

  /** Reading: open unless STATUS_PAGE_PUBLIC=false; then a session, or the admin or read token as a bearer (scripts). */
  readonly requireReader: RequestHandler = (req, res, next) => {
    if (this.mayRead(req)) {
      next();
      return;
    }
    if (req.path.startsWith('/api/')) {
      next(
        new HubError(
          'HUB_ERR_UNAUTHORIZED',
          'the status page is not public: sign in at /sign-in or send Authorization: Bearer <ADMIN_TOKEN>',
        ),
      );
      return;
    }
    res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
  };

  /** Whether this request may read: the page is public, or it carries a session or a bearer that opens reading. */
  mayRead(req: Request): boolean {
    return (
      this.options.publicReading || req.viewer?.admin === true || this.bearerIsAdmin(req) || this.bearerIsReader(req)
    );
  }

  /** Actions: signed in, the form's CSRF token, and no cross-site Origin. */
  readonly requireAdminForm: RequestHandler = (req, _res, next) => {
    if (!req.viewer?.admin) {
      next(new HubError('HUB_ERR_UNAUTHORIZED', 'sign in with the admin token first'));
      return;
    }
    if (!this.csrfOk(req)) {
      next(
        new HubError('HUB_ERR_FORBIDDEN', 'the form is stale or not from this page (CSRF token); reload and try again'),
      );
      return;
    }
    next();
  };

  /** Checks the form's CSRF token (also on the sign-in form, against login CSRF). */
  csrfOk(req: Request): boolean {
    const origin = req.get('origin');
    // An Origin that does not parse (`foo`, `http://[::1`) is no proof of this page either: refused like a foreign one.
    if (origin && origin !== 'null' && URL.parse(origin)?.host !== req.get('host')) return false;
    const field = (req.body as Record<string, unknown> | undefined)?._csrf;
    const given = typeof field === 'string' ? field : '';
    const nonce = (req as Request & { csrfNonce?: string }).csrfNonce ?? '';
    return this.key !== null && given.length > 0 && safeEqual(given, this.sign(`csrf:${nonce}`));
  }

  /** True and a session cookie when `token` is the admin token. */
  signIn(req: Request, res: Response, token: string): boolean {
    if (!this.tokenHash || !timingSafeEqual(sha256(token), this.tokenHash)) return false;
    const payload = Buffer.from(
      JSON.stringify({ exp: Math.floor(Date.now() / 1000) + SESSION_SECONDS, n: randomBytes(9).toString('base64url') }),
    ).toString('base64url');
    res.append('Set-Cookie', cookie(req, SESSION_COOKIE, `${payload}.${this.sign(payload)}`, SESSION_SECONDS));
    return true;
  }

  signOut(req: Request, res: Response): void {
    res.append('Set-Cookie', cookie(req, SESSION_COOKIE, '', 0));
  }

  /** A one-time message for the next page (an action's outcome), kept out of the URL so links cannot forge it. */
  flash(req: Request, res: Response, message: string): void {
    res.append('Set-Cookie', cookie(req, FLASH_COOKIE, Buffer.from(message.slice(0, 300)).toString('base64url'), 60));
  }

  takeFlash(req: Request, res: Response): string | null {
    const value = parseCookies(req.get('cookie'))[FLASH_COOKIE];
    if (!value) return null;
    res.append('Set-Cookie', cookie(req, FLASH_COOKIE, '', 0));
    return Buffer.from(value, 'base64url').toString('utf8');
  }

  private validSession(value: string | undefined): boolean {
    if (!value || !this.key) return false;
    const [payload, signature] = value.split('.');
    if (!payload || !signature || !safeEqual(signature, this.sign(payload))) return false;
    try {
      const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
      return typeof exp === 'number' && exp > Date.now() / 1000;
    } catch {
      return false;
    }
  }

  private bearerIsAdmin(req: Request): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    return Boolean(match && this.tokenHash && timingSafeEqual(sha256(match[1]!.trim()), this.tokenHash));
  }

  private bearerIsReader(req: Request): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    return Boolean(match && this.readHash && timingSafeEqual(sha256(match[1]!.trim()), this.readHash));
  }

  private sign(text: string): string {
    return createHmac('sha256', this.key ?? Buffer.alloc(32))
      .update(text)
      .digest('base64url');
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) cookies[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return cookies;
}

/** HttpOnly and SameSite=Strict always; Secure when the browser came over https (directly or via a proxy). */
function cookie(req: Request, name: string, value: string, maxAgeSeconds: number | null): string {
  const secure = req.secure || req.get('x-forwarded-proto') === 'https';
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(maxAgeSeconds !== null ? [`Max-Age=${maxAgeSeconds}`] : []),
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
