import { jsonDepth } from '../../src/http/json-body.js';

describe('JSON depth', () => {
  it('counts nesting outside strings only', () => {
    expect(jsonDepth(Buffer.from('{"a":[{"b":1}]}'), 100)).toBe(3);
    expect(jsonDepth(Buffer.from('{"a":"[[[[{{{{\\"[["}'), 100)).toBe(1);
  });
  it('stops counting once past the limit', () => {
    expect(jsonDepth(Buffer.from('['.repeat(100_000)), 32)).toBe(33);
  });
});
