import { describe, expect, it } from 'vitest';
import { KEYS_PER_QUERY, inChunks } from './provenance.ts';

describe('inChunks', () => {
  it('runs a short key list as one query, unchanged', async () => {
    const calls: string[][] = [];
    const out = await inChunks(['b', 'a'], (k) => k, async (c) => (calls.push(c), c));
    expect(calls).toEqual([['b', 'a']]);
    expect(out).toEqual(['b', 'a']);
  });

  it('splits a long list into sorted chunks of at most KEYS_PER_QUERY and returns every row in key order', async () => {
    const keys = Array.from({ length: KEYS_PER_QUERY * 2 + 17 }, (_, i) => String((i * 7919) % 100_003).padStart(6, '0'));
    const calls: string[][] = [];
    // each key yields two rows, as a query returning several rows per key would
    const out = await inChunks(keys, (k) => k, async (c) => (calls.push(c), c.flatMap((k) => [`${k}:1`, `${k}:2`])));
    expect(calls.map((c) => c.length)).toEqual([KEYS_PER_QUERY, KEYS_PER_QUERY, 17]);
    const sorted = [...keys].sort();
    expect(calls.flat()).toEqual(sorted);
    expect(out).toEqual(sorted.flatMap((k) => [`${k}:1`, `${k}:2`]));
  });

  it('sorts by the given key, so numeric fingerprints keep numeric order across chunks', async () => {
    const fps = Array.from({ length: KEYS_PER_QUERY + 1 }, (_, i) => String(BigInt(i) * 4_611_686_018_427n));
    const out = await inChunks(fps.reverse(), (f) => f.padStart(20, '0'), async (c) => c);
    expect(out.map(BigInt)).toEqual([...out.map(BigInt)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(out).size).toBe(fps.length);
  });
});
