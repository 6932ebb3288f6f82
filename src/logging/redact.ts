/**
 * Secret redaction shared by logs, error bodies and pages. Known secret values (collected from the
 * configuration at boot) are replaced wherever they appear; well-known secret shapes are caught even
 * when they were never configured (a token pasted into a payload, a password inside a URL).
 */
const REDACTED = '[REDACTED]';

const PATTERNS: Array<[RegExp, string]> = [
  // Slack tokens: xoxb-, xoxp-, xoxa-, xoxs-, xapp-
  [/\b(xox[abposr]|xapp)-[A-Za-z0-9-]{6,}/g, REDACTED],
  // Incoming-webhook URLs carry their secret in the path.
  [/(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'<>]+/gi, `$1${REDACTED}`],
  // user:password@ inside any URL
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]*:)[^\s@/"'<>]+@/gi, `$1${REDACTED}@`],
  // api_key=..., token=..., password=... in query strings and form bodies
  [/\b(api_key|apikey|api-key|token|access_token|password|secret)=([^&\s"']+)/gi, `$1=${REDACTED}`],
  // Authorization headers and X-...-Key headers as they appear in dumped requests
  [/\b(authorization["']?\s*[:=]\s*["']?(?:bearer|basic)\s+)[^\s"',}]+/gi, `$1${REDACTED}`],
  [/\b(x-[a-z-]*key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, `$1${REDACTED}`],
];

/** Query parameter names that carry credentials (`?token=`, `&api_key=`, `?sig=`, `X-Amz-Signature=`). */
const SECRET_PARAMETER =
  /([?&;])([^=&#\s"'<>]*(?:token|key|secret|passw|pwd|sig|auth|credential|session)[^=&#\s"'<>]*)=([^&#\s"'<>]*)/gi;
/** `scheme://userinfo@`: a password, or a user name alone (often a token: `https://<token>@github.com`). */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]+)@/gi;
/** Incoming-webhook URLs carry their secret in the path. */
const WEBHOOK_PATH = /(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'<>]+/gi;

/**
 * The credentials inside any URL in `text` replaced by `mask`: the password of its userinfo (a user name alone,
 * too), the values of query parameters named like secrets, and a Slack webhook's path. The rest stays, so an
 * operator still sees which host a module talks to. Used wherever configuration is shown, logged or exported.
 */
export function hideUrlSecrets(text: string, mask = '***'): string {
  if (!text.includes('://') && !/[?&;]/.test(text)) return text;
  return text
    .replace(WEBHOOK_PATH, `$1${mask}`)
    .replace(USERINFO, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon >= 0 ? `${scheme}${userinfo.slice(0, colon)}:${mask}@` : `${scheme}${mask}@`;
    })
    .replace(SECRET_PARAMETER, `$1$2=${mask}`);
}

export class Redactor {
  private secrets: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.addSecrets(secrets);
  }

  addSecrets(secrets: Iterable<string>): void {
    for (const secret of secrets) {
      // Very short values would redact ordinary words; configuration rejects such secrets anyway.
      if (secret.length >= 4 && !this.secrets.includes(secret)) this.secrets.push(secret);
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
    return hideUrlSecrets(result, REDACTED);
  }

  /** Redacts every string inside a JSON-like value; depth-bounded so a hostile structure cannot recurse forever. */
  redactDeep<T>(value: T, depth = 0): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error) return this.redact(value.message) as T;
    if (Array.isArray(value)) return (value as unknown[]).map((item) => this.redactDeep(item, depth + 1)) as T;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      out[key] = this.redactDeep(item, depth + 1);
    }
    return out as T;
  }
}
