import {
  attributeText,
  byCodePoint,
  quoteLikePython,
  sortedItems,
  stripSpace,
} from '../../src/events/original-text.js';

describe("the original's text rules, as Python spells them", () => {
  it("strips Python's white space, not JavaScript's", () => {
    expect(stripSpace('\u0085\u001c a b \u3000\u00a0')).toBe('a b');
    expect(stripSpace('\ufeffx\ufeff')).toBe('\ufeffx\ufeff');
    expect(stripSpace(`${' '.repeat(50_000)}x${' '.repeat(50_000)}`)).toBe('x');
  });

  it('drops every double quote before stripping, and reads empty as empty', () => {
    expect(attributeText(' " The "best" app " ')).toBe('The best app');
    expect([attributeText(''), attributeText(null), attributeText(undefined)]).toEqual(['', '', '']);
  });

  it('sorts by code point: a character above U+FFFF after U+E000–U+FFFF', () => {
    expect(['🚀', '\ufeff', 'b', 'a'].sort(byCodePoint)).toEqual(['a', 'b', '\ufeff', '🚀']);
    expect(sortedItems(' b,a,,b ,"c"')).toEqual(['"c"', 'a', 'b']);
  });

  it("encodes as urllib.parse.quote: / kept, !'()* encoded", () => {
    expect(quoteLikePython("/.*a b:1!'()*~_.-*/")).toBe('/.%2Aa%20b%3A1%21%27%28%29%2A~_.-%2A/');
  });
});
