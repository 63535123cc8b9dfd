import { describe, expect, it } from 'vitest';
import { FingerprintHolders } from './holders.ts';
import type { ArtifactFacts } from './reader.ts';

const facts = (artifact_id: string, fingerprints: string[], fp_positions: number[]): ArtifactFacts => ({ artifact_id, fingerprints, fp_positions }) as unknown as ArtifactFacts;

describe('where each fingerprint is held among a scope artifacts', () => {
  it('lists the holders of a fingerprint in row order, and within a row by index, with the position there', () => {
    const rows = [facts('a', ['1', '2', '3'], [0, 5, 9]), facts('b', ['3', '4'], [2, 7]), facts('c', ['2', '3', '2'], [1, 4, 8])];
    const h = new FingerprintHolders(rows);
    expect(h.holders('3')).toEqual([
      { artifact_id: 'a', pos: 9 },
      { artifact_id: 'b', pos: 2 },
      { artifact_id: 'c', pos: 4 },
    ]);
    expect(h.holders('2')).toEqual([
      { artifact_id: 'a', pos: 5 },
      { artifact_id: 'c', pos: 1 },
      { artifact_id: 'c', pos: 8 },
    ]);
    expect(h.holders('4')).toEqual([{ artifact_id: 'b', pos: 7 }]);
    expect(h.holders('5')).toBeUndefined();
  });

  it('answers as a list per fingerprint built in row order does, on many random rows', () => {
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const rows = Array.from({ length: 300 }, (_, r) => {
      const n = rnd(40);
      return facts(`art${r}`, Array.from({ length: n }, () => String(rnd(500))), Array.from({ length: n }, () => rnd(10_000)));
    });
    const want = new Map<string, { artifact_id: string; pos: number }[]>();
    for (const row of rows) row.fingerprints.forEach((f, i) => (want.get(f) ?? want.set(f, []).get(f)!).push({ artifact_id: row.artifact_id, pos: row.fp_positions[i]! }));
    const h = new FingerprintHolders(rows);
    for (let f = 0; f < 520; f++) expect(h.holders(String(f))).toEqual(want.get(String(f)));
    expect(new FingerprintHolders([]).holders('1')).toBeUndefined();
  });
});
