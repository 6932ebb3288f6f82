import {
  DeliveryError,
  UpstreamError,
  codeForStatus,
  isPermanentStatus,
  parseRetryAfter,
} from '../../src/module-api.js';

/**
 * Slack `error` codes that no retry will fix: the token, the channel or the message itself is wrong.
 * Everything else (internal_error, fatal_error, service_unavailable, request_timeout, unknown codes) is
 * retried by the delivery engine, which caps attempts and age.
 */
export const PERMANENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'restricted_action',
  'invalid_blocks',
  'invalid_arguments',
  'msg_too_long',
  // The blocks' texts together are too long: refused whatever each block holds, and a retry says the same.
  'msg_blocks_too_long',
  'no_text',
  // chat.update of a root that was deleted or is too old to edit.
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
]);

/** The token itself is bad: nothing this module sends can work until an operator fixes it. */
export const AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
]);

// @slack/web-api's error codes; checked by value rather than instanceof, which breaks when the package is loaded twice.
const PLATFORM = 'slack_webapi_platform_error';
const RATE_LIMITED = 'slack_webapi_rate_limited_error';
const HTTP = 'slack_webapi_http_error';
const REQUEST = 'slack_webapi_request_error';

interface SlackLibraryError {
  code: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
  headers?: Record<string, string>;
  original?: Error & { cause?: unknown };
}

function isSlackLibraryError(error: unknown): error is SlackLibraryError {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('slack_webapi_');
}

/**
 * What a failed Web API call means for the delivery: a 429 carries Retry-After so the engine waits exactly
 * that long; refusals that cannot change are permanent (the delivery goes dead at once, reason attached);
 * server and network trouble is retried. `action` names the call and channel ("chat.postMessage to #x").
 */
export function toDeliveryError(error: unknown, action: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (isSlackLibraryError(error)) {
    switch (error.code) {
      case RATE_LIMITED: {
        const seconds = error.retryAfter ?? 1;
        return new DeliveryError(`Slack rate-limited ${action}; retry after ${seconds} s`, {
          status: 429,
          code: 'HUB_ERR_RATE_LIMITED',
          reason: 'ratelimited',
          retryAfterMs: seconds * 1000,
        });
      }
      case PLATFORM: {
        const code = error.data?.error ?? 'unknown_error';
        return new DeliveryError(`Slack refused ${action}: ${code}`, {
          code: AUTH_ERRORS.has(code) ? 'HUB_ERR_UPSTREAM_AUTH' : 'HUB_ERR_UPSTREAM',
          reason: code,
          permanent: PERMANENT_SLACK_ERRORS.has(code),
        });
      }
      case HTTP: {
        const status = error.statusCode ?? 0;
        return new DeliveryError(`Slack answered ${status} to ${action}`, {
          status,
          code: codeForStatus(status),
          reason: `http_${status}`,
          permanent: isPermanentStatus(status),
          retryAfterMs: parseRetryAfter(error.headers?.['retry-after']),
        });
      }
      case REQUEST: {
        const reason = networkReason(error.original);
        return new DeliveryError(`Slack unreachable during ${action}: ${reason}`, {
          code: reason === 'TIMEOUT' ? 'HUB_ERR_TIMEOUT' : 'HUB_ERR_UNREACHABLE',
          reason: /^[A-Z_]+$/.test(reason) ? reason : 'network_error',
        });
      }
      default:
        break;
    }
  }
  // A 429 without a usable Retry-After comes out of the library as a plain Error; retry it with our backoff.
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`${action} failed: ${message}`);
}

/** Incoming webhooks answer errors as plain-text codes ("no_service", "channel_is_archived") with a 4xx status. */
export function toWebhookDeliveryError(error: unknown, action: string): DeliveryError {
  if (error instanceof UpstreamError && error.status !== undefined) {
    const body = error.body?.trim() ?? '';
    const code = /^[a-z_]+$/.test(body) ? body : `http_${error.status}`;
    return new DeliveryError(`Slack webhook refused ${action}: ${code}`, {
      status: error.status,
      code: error.code,
      reason: code,
      permanent: error.permanent,
      retryAfterMs: error.retryAfterMs,
    });
  }
  if (error instanceof DeliveryError) return error;
  return toDeliveryError(error, action);
}

/** fetch() hides the socket error in `cause` ("fetch failed" / ECONNREFUSED); a timeout is a TimeoutError. */
function networkReason(original: (Error & { cause?: unknown }) | undefined): string {
  const cause = original?.cause as { code?: unknown } | undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (original?.name === 'TimeoutError' || original?.name === 'AbortError') return 'TIMEOUT';
  return original?.message || 'network error';
}

/**
 * Slack answered and did not take the post: a refusal (`ok: false`), a 429, another 4xx. After a timeout, a
 * network error or a 5xx (a gateway may time out after Slack posted) the post may have happened.
 */
export function slackAnswered(error: DeliveryError): boolean {
  if (error.code === 'HUB_ERR_RATE_LIMITED') return true;
  if (error.code !== 'HUB_ERR_UPSTREAM' && error.code !== 'HUB_ERR_UPSTREAM_AUTH') return false;
  return error.status === undefined || error.status < 500;
}
