import { errorFingerprint } from '../../src/ingest/ingest.js';

describe('error fingerprints', () => {
  const base = { applicationName: 'app', cluster: 'active' };
  it('ignore numbers, durations, hex and uuids in the message', () => {
    const a = errorFingerprint({
      ...base,
      message: 'Timeout after 30s on pod web-7f9c8d6b5-x2k4q request 1234 id 550e8400-e29b-41d4-a716-446655440000',
    });
    const b = errorFingerprint({
      ...base,
      message: 'Timeout after 45 ms on pod web-1a2b3c4d5-x2k4q request 99 id 123e4567-e89b-12d3-a456-426614174000',
    });
    expect(a).toBe(b);
  });
  it('differ by application, cluster and wording', () => {
    const a = errorFingerprint({ ...base, message: 'disk full' });
    expect(errorFingerprint({ ...base, cluster: 'stage', message: 'disk full' })).not.toBe(a);
    expect(errorFingerprint({ ...base, applicationName: 'other', message: 'disk full' })).not.toBe(a);
    expect(errorFingerprint({ ...base, message: 'disk empty' })).not.toBe(a);
  });
});
