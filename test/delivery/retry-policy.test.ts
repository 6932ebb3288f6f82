import { backoffDelay, decideRetry } from '../../src/delivery/retry-policy.js';
import { DeliveryError, UpstreamError, errorInfo, isPermanentStatus, parseRetryAfter } from '../../src/errors.js';

describe('backoff', () => {
  it('doubles per attempt with jitter between half and all of the step, capped', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(30, 1000, 60_000, () => 1)).toBe(60_000);
  });
});

describe('the retry decision', () => {
  const backoff = { baseMs: 1000, maxMs: 60_000 };
  const now = Date.parse('2026-12-04T12:00:00Z');
  const failed = (over: Partial<Parameters<typeof decideRetry>[0]> = {}) => ({
    attempts: 1,
    maxAttempts: 3,
    deadline: new Date(now + 3_600_000),
    permanent: false,
    ...over,
  });

  it('gives a transient failure another attempt after its backoff', () => {
    expect(decideRetry(failed({ attempts: 2 }), backoff, now, () => 1)).toEqual({
      retry: true,
      at: new Date(now + 2000),
    });
  });
  it("waits exactly the upstream's Retry-After instead of the backoff", () => {
    expect(decideRetry(failed({ retryAfterMs: 7000 }), backoff, now, () => 1)).toEqual({
      retry: true,
      at: new Date(now + 7000),
    });
  });
  it('gives up at once on a permanent failure, whatever attempts are left', () => {
    expect(decideRetry(failed({ permanent: true }), backoff, now)).toEqual({ retry: false, reason: 'permanent' });
  });
  it('gives up when the attempts are spent', () => {
    expect(decideRetry(failed({ attempts: 3 }), backoff, now)).toEqual({ retry: false, reason: 'attempts exhausted' });
  });
  it('gives up when the next attempt would come after the deadline', () => {
    const late = failed({ deadline: new Date(now + 1500), retryAfterMs: 2000 });
    expect(decideRetry(late, backoff, now)).toEqual({ retry: false, reason: 'maximum age reached' });
    expect(decideRetry({ ...late, retryAfterMs: 1000 }, backoff, now)).toEqual({
      retry: true,
      at: new Date(now + 1000),
    });
  });
});

describe('upstream errors', () => {
  it('treat 4xx as permanent except 408, 409, 425 and 429', () => {
    expect([400, 401, 403, 404, 422].every(isPermanentStatus)).toBe(true);
    expect([408, 409, 425, 429, 500, 503].some(isPermanentStatus)).toBe(false);
  });
  it('parse Retry-After as seconds or a date, capped at an hour', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString(), Date.now())).toBeGreaterThan(8000);
    expect(parseRetryAfter('99999')).toBe(3_600_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
  it('carry status and a trimmed body', () => {
    const error = new UpstreamError('Slack', 503, { body: 'x'.repeat(2000) });
    expect(error.permanent).toBe(false);
    expect(error.message.length).toBeLessThan(600);
    expect(errorInfo(error)).toMatchObject({ status: 503, permanent: false });
    expect(
      errorInfo(new DeliveryError('nope', { permanent: true, code: 'HUB_ERR_UPSTREAM_AUTH', reason: 'invalid_auth' })),
    ).toEqual({
      message: 'nope',
      code: 'HUB_ERR_UPSTREAM_AUTH',
      reason: 'invalid_auth',
      permanent: true,
    });
    expect(errorInfo(new Error('plain'))).toEqual({ message: 'plain', code: 'HUB_ERR_FAILED' });
  });
});
