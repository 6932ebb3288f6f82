import {
  isPostgresTimeText,
  parseStorableTime,
  storableIsoTime,
  storableRecord,
  storableText,
  unstorableIn,
} from '../../src/util/input-rules.js';

describe('the storable-text rule', () => {
  it('refuses NUL and unpaired surrogates, and takes any other text', () => {
    const text = storableText();
    for (const bad of ['a\u0000b', '\ud800', 'x\udc00', '\udbff\u0041'])
      expect(text.safeParse(bad).success).toBe(false);
    for (const good of ['', 'plain', 'tab\tand\nnewline', '😀 paired', 'é'.repeat(1000)])
      expect(text.safeParse(good).success).toBe(true);
  });

  it('refuses prototype names as record keys, __proto__ included (zod alone drops it silently)', () => {
    const record = storableRecord(storableText());
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const parsed = record.safeParse(JSON.parse(`{${JSON.stringify(key)}:"x"}`));
      expect({ key, success: parsed.success }).toEqual({ key, success: false });
    }
    expect(record.safeParse({ region: 'eu', 'a.b': 'c' }).success).toBe(true);
  });

  it('finds the path of the first unstorable text or key in any JSON value', () => {
    expect(unstorableIn({ a: [1, { b: 'ok' }, 'x\u0000'] })?.[0]).toEqual(['a', '2']);
    expect(unstorableIn(JSON.parse('{"ok":{"__proto__":1}}'))?.[0]).toEqual(['ok', '__proto__']);
    expect(unstorableIn({ a: ['fine', 2, null, true] })).toBeNull();
  });
});

describe('the storable-time rule', () => {
  it('takes ISO 8601 and Unix seconds inside years 1-9999', () => {
    expect(parseStorableTime('1')?.toISOString()).toBe('1970-01-01T00:00:01.000Z');
    expect(parseStorableTime('1763800000.5')?.toISOString()).toBe('2025-11-22T08:26:40.500Z');
    expect(parseStorableTime('2026-12-07')?.toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(parseStorableTime('2026-12-07T10:00:00+01')?.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(parseStorableTime('2026-12-07 10:00:00.123456Z')?.toISOString()).toBe('2026-12-07T10:00:00.123Z');
    expect(parseStorableTime('0001-01-01T00:00:00Z')).not.toBeNull();
    expect(parseStorableTime('9999-12-31T23:59:59Z')).not.toBeNull();
  });

  it('refuses what PostgreSQL cannot store or JavaScript reads loosely', () => {
    for (const bad of [
      '275760-09-13',
      '+275760-09-13T00:00:00.000Z',
      '-000001-01-01T00:00:00Z',
      '0000-12-31T00:00:00Z',
      '8640000000000',
      '2026-02-30',
      '2026-01-01T25:00:00Z',
      'May 5',
      '',
      'NaN',
    ])
      expect({ bad, parsed: parseStorableTime(bad) }).toEqual({ bad, parsed: null });
  });

  it('takes RFC 3339 body times only inside the range, with one message for text that is no time', () => {
    const time = storableIsoTime();
    expect(time.safeParse('2026-12-07T14:00:00Z').success).toBe(true);
    expect(time.safeParse('0000-01-01T00:00:00Z').success).toBe(false);
    expect(time.safeParse('yesterday').error?.issues).toHaveLength(1);
  });

  it('checks a cursor position field by field', () => {
    expect(isPostgresTimeText('2026-12-07 10:00:00.123456+00')).toBe(true);
    expect(isPostgresTimeText('2026-12-07T10:00:00Z')).toBe(true);
    expect(isPostgresTimeText('2026-01-01 99:99:99')).toBe(false);
    expect(isPostgresTimeText('2026-13-45 00:00:00')).toBe(false);
    expect(isPostgresTimeText('0000-01-01 00:00:00')).toBe(false);
    expect(isPostgresTimeText('2026-01-01 00:00:00+99')).toBe(false);
  });
});
