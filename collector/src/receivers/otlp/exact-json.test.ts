import { describe, expect, it } from 'vitest';
import { parseExactJson } from './exact-json.ts';

describe('parseExactJson', () => {
  it('keeps integers beyond 2^53 exact by turning them into decimal strings', () => {
    const v = parseExactJson('{"t":1700000000123456789,"n":-9223372036854775808,"small":42}') as Record<string, unknown>;
    expect(v).toEqual({ t: '1700000000123456789', n: '-9223372036854775808', small: 42 });
  });

  it('leaves digits inside strings, including escaped quotes, untouched', () => {
    const text = '{"s":"id \\"1234567890123456789\\" end","k":1234567890123456789}';
    expect(parseExactJson(text)).toEqual({ s: 'id "1234567890123456789" end', k: '1234567890123456789' });
  });

  it('does not quote long non-integer numbers', () => {
    expect(parseExactJson('[12345678901234567.5, 1234567890123456789e2]')).toEqual([12345678901234567.5, 1234567890123456789e2]);
  });

  it('still rejects invalid JSON', () => {
    expect(() => parseExactJson('{"a":12345678901234567890')).toThrow();
  });
});
