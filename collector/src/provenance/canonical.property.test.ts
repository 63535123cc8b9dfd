// Properties of canonical forms over any JSON value (fast-check, seeded): the identity of
// content never depends on key order, survives a round trip, and matches JSON itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../redaction/json-text.ts';
import { canonicalArguments, canonicalContent, stableJson } from './content.ts';

const opts = { seed: 20261205, numRuns: 400 };
/** The same object with its keys in reverse order, at every level. */
const reversed = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(reversed) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;

describe('canonical forms', () => {
  it('stableJson ignores key order, is a fixed point of parse, and reads back as the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const s = stableJson(v);
        expect(stableJson(reversed(v))).toBe(s);
        expect(stableJson(JSON.parse(s))).toBe(s);
        expect(JSON.parse(s)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      opts,
    );
  });

  it('jsonText writes what JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(jsonText(v)).toBe(JSON.stringify(v));
      }),
      opts,
    );
  });

  it('content and arguments are the same whether given as a value, its JSON text or that text encoded again', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 2 }), (o) => {
        const once = JSON.stringify(o);
        expect(canonicalContent(once)).toBe(canonicalContent(o));
        expect(canonicalContent(JSON.stringify(once))).toBe(canonicalContent(o));
        expect(canonicalArguments(reversed(o))).toBe(canonicalArguments(o));
      }),
      opts,
    );
  });
});
