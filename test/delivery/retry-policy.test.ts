import { backoffDelay } from '../../src/delivery/backoff.js';
import { DeliveryError, UpstreamError, errorInfo, isPermanentStatus, parseRetryAfter } from '../../src/delivery/errors.js';
import { errorFingerprint } from '../../src/ingest/ingest.js';
import { jsonDepth } from '../../src/http/json-body.js';

describe('backoff', () => {
  it('doubles per attempt with jitter between half and all of the step, capped', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(30, 1000, 60_000, () => 1)).toBe(60_000);
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
    expect(errorInfo(new DeliveryError('nope', { permanent: true, code: 'invalid_auth' }))).toEqual({
      message: 'nope',
      code: 'invalid_auth',
      permanent: true,
    });
  });
});

describe('error fingerprints', () => {
  const base = { applicationName: 'app', cluster: 'active' };
  it('ignore numbers, durations, hex and uuids in the message', () => {
    const a = errorFingerprint({ ...base, message: 'Timeout after 30s on pod web-7f9c8d6b5-x2k4q request 1234 id 550e8400-e29b-41d4-a716-446655440000' });
    const b = errorFingerprint({ ...base, message: 'Timeout after 45 ms on pod web-1a2b3c4d5-x2k4q request 99 id 123e4567-e89b-12d3-a456-426614174000' });
    expect(a).toBe(b);
  });
  it('differ by application, cluster and wording', () => {
    const a = errorFingerprint({ ...base, message: 'disk full' });
    expect(errorFingerprint({ ...base, cluster: 'stage', message: 'disk full' })).not.toBe(a);
    expect(errorFingerprint({ ...base, applicationName: 'other', message: 'disk full' })).not.toBe(a);
    expect(errorFingerprint({ ...base, message: 'disk empty' })).not.toBe(a);
  });
});

describe('JSON depth', () => {
  it('counts nesting outside strings only', () => {
    expect(jsonDepth(Buffer.from('{"a":[{"b":1}]}'), 100)).toBe(3);
    expect(jsonDepth(Buffer.from('{"a":"[[[[{{{{\\"[["}'), 100)).toBe(1);
  });
  it('stops counting once past the limit', () => {
    expect(jsonDepth(Buffer.from('['.repeat(100_000)), 32)).toBe(33);
  });
});
