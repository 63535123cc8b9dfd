import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExactJson } from '../receivers/otlp/exact-json.ts';
import { EMPTY_ROOT, MerkleLog, leafHash, verifyConsistency, verifyInclusion } from './merkle.ts';

const VECTORS = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/merkle');
const b64 = (s: string | null | undefined): Buffer => Buffer.from(s ?? '', 'base64');
const big = (v: unknown): bigint => BigInt(v as string | number);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.json') ? [p] : [];
  });
}

interface InclusionCase { leafIdx: unknown; treeSize: unknown; root: string | null; leafHash: string | null; proof: string[] | null; desc: string; wantErr: boolean }
interface ConsistencyCase { size1: unknown; size2: unknown; root1: string | null; root2: string | null; proof: string[] | null; desc: string; wantErr: boolean }

// Exact JSON: some vectors carry indices like 2^64-1 that a JS number would round.
const load = <T>(p: string): T => parseExactJson(readFileSync(p, 'utf8')) as T;

describe('RFC 6962 test vectors (fixtures/merkle, from transparency-dev/merkle)', () => {
  const inclusion = files(join(VECTORS, 'inclusion'));
  const consistency = files(join(VECTORS, 'consistency'));

  it('finds the vectors', () => {
    expect(inclusion.length + consistency.length).toBeGreaterThanOrEqual(190);
  });

  it('verifies every happy inclusion proof and rejects every mutation', () => {
    const wrong: string[] = [];
    for (const f of inclusion) {
      const c = load<InclusionCase>(f);
      const ok = verifyInclusion(big(c.leafIdx), big(c.treeSize), b64(c.leafHash), (c.proof ?? []).map(b64), b64(c.root));
      if (ok === c.wantErr) wrong.push(`${f.slice(VECTORS.length)}: ${c.desc} (wantErr ${c.wantErr})`);
    }
    expect(wrong).toEqual([]);
  });

  it('verifies every happy consistency proof and rejects every mutation', () => {
    const wrong: string[] = [];
    for (const f of consistency) {
      const c = load<ConsistencyCase>(f);
      const ok = verifyConsistency(big(c.size1), big(c.size2), b64(c.root1), b64(c.root2), (c.proof ?? []).map(b64));
      if (ok === c.wantErr) wrong.push(`${f.slice(VECTORS.length)}: ${c.desc} (wantErr ${c.wantErr})`);
    }
    expect(wrong).toEqual([]);
  });
});

// The eight leaves of the RFC 6962 reference test data, from which the vectors were made.
const RFC_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));

describe('MerkleLog', () => {
  const log = new MerkleLog();
  for (const l of RFC_LEAVES) log.append(leafHash(l));

  it('builds the trees the vectors were made from: same roots, same proofs', () => {
    const happy = load<InclusionCase>(join(VECTORS, 'inclusion/1/happy-path.json'));
    expect(log.root(Number(happy.treeSize)).toString('base64')).toBe(happy.root);
    expect(log.leaf(Number(happy.leafIdx)).toString('base64')).toBe(happy.leafHash);
    expect(log.inclusionProof(Number(happy.leafIdx), Number(happy.treeSize)).map((h) => h.toString('base64'))).toEqual(happy.proof);
    for (const dir of ['1', '2', '3', '4']) {
      const c = load<ConsistencyCase>(join(VECTORS, `consistency/${dir}/happy-path.json`));
      expect(log.root(Number(c.size1)).toString('base64')).toBe(c.root1);
      expect(log.root(Number(c.size2)).toString('base64')).toBe(c.root2);
      expect(log.consistencyProof(Number(c.size1), Number(c.size2)).map((h) => h.toString('base64'))).toEqual(c.proof ?? []);
    }
    expect(new MerkleLog().root().equals(EMPTY_ROOT)).toBe(true);
  });

  it('produces proofs that verify for every leaf and size pair up to 70 leaves, and only those', () => {
    const big70 = new MerkleLog();
    for (let i = 0; i < 70; i++) big70.append(leafHash(Buffer.from(`leaf ${i}`)));
    let checked = 0;
    for (let size = 1; size <= 70; size++) {
      const root = big70.root(size);
      for (let i = 0; i < size; i++) {
        const proof = big70.inclusionProof(i, size);
        expect(verifyInclusion(BigInt(i), BigInt(size), big70.leaf(i), proof, root)).toBe(true);
        if (proof.length > 0) {
          const flipped = proof.map((p, j) => (j === 0 ? Buffer.from(p.map((b, k) => (k === 0 ? b ^ 1 : b))) : p));
          expect(verifyInclusion(BigInt(i), BigInt(size), big70.leaf(i), flipped, root)).toBe(false);
        }
        expect(verifyInclusion(BigInt(i), BigInt(size), leafHash(Buffer.from('forged')), proof, root)).toBe(false);
        checked++;
      }
      for (let m = 1; m <= size; m++) {
        const proof = big70.consistencyProof(m, size);
        expect(verifyConsistency(BigInt(m), BigInt(size), big70.root(m), root, proof)).toBe(true);
        if (m < size) expect(verifyConsistency(BigInt(m), BigInt(size), big70.root(m), big70.root(size - 1), proof)).toBe(false);
      }
    }
    expect(checked).toBe((70 * 71) / 2);
  });
});
