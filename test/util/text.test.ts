import { asStoredJson, fitText, isWellFormed, postgresJson } from '../../src/util/text.js';

describe('JSON as PostgreSQL stores it', () => {
  it('writes NULs and unpaired surrogates as U+FFFD, and leaves escaped backslashes and paired surrogates alone', () => {
    const value = { nul: 'a\u0000b', lone: 'x\ud800y', paired: '😀', text: 'a literal \\u0000 in text' };
    expect(JSON.parse(postgresJson(value))).toEqual({
      nul: 'a\ufffdb',
      lone: 'x\ufffdy',
      paired: '😀',
      text: 'a literal \\u0000 in text',
    });
  });

  it('gives back what a stored value reads as, and the very same object when storing changes nothing', () => {
    const plain = {
      applicationName: 'kth-azure-app',
      publicNameSwedish: 'Bänk',
      tab: 'a\tb',
      nested: [{ text: 'a literal \\u0000' }],
    };
    expect(asStoredJson(plain)).toBe(plain);
    const hostile = { message: 'boom\u0000', nested: { name: 'half \udc00 a pair' } };
    expect(asStoredJson(hostile)).toEqual({ message: 'boom\ufffd', nested: { name: 'half \ufffd a pair' } });
    expect(asStoredJson(null)).toBeNull();
  });
});

describe('display text cut to a limit', () => {
  it('keeps text that fits, else its start or its end with the cut marked, within the limit', () => {
    expect(fitText('short', 20)).toBe('short');
    expect(fitText('a'.repeat(30), 20)).toBe(`${'a'.repeat(8)}…(truncated)`);
    expect(fitText(`${'a'.repeat(30)}END`, 20, 'end')).toBe(`…(truncated)${'a'.repeat(5)}END`);
  });

  it('never splits a surrogate pair at the cut', () => {
    for (let length = 1; length < 40; length += 1) {
      for (const keep of ['start', 'end'] as const) {
        const cut = fitText('😀'.repeat(length), 20, keep);
        expect(cut.length).toBeLessThanOrEqual(20);
        expect(isWellFormed(cut)).toBe(true);
      }
    }
  });
});
