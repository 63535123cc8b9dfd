import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExactJson } from '../receivers/otlp/exact-json.ts';
import { EMPTY_ROOT, leafHash, nodeHash, verifyConsistency, verifyInclusion } from './merkle.ts';
import { TileLog } from './tile-log.ts';
import { type TileRow, TreeEdge, appendInSlices, tilePath } from './tiles.ts';

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

describe('the tiled log', () => {
  const log = memoryLog(RFC_LEAVES.map((l) => leafHash(l)));

  it('builds the trees the vectors were made from: same roots, same proofs', async () => {
    const happy = load<InclusionCase>(join(VECTORS, 'inclusion/1/happy-path.json'));
    expect((await log.root(Number(happy.treeSize))).toString('base64')).toBe(happy.root);
    expect(log.leaves[Number(happy.leafIdx)]!.toString('base64')).toBe(happy.leafHash);
    expect((await log.inclusionProofs([Number(happy.leafIdx)], Number(happy.treeSize)))[0]!.map((h) => h.toString('base64'))).toEqual(happy.proof);
    for (const dir of ['1', '2', '3', '4']) {
      const c = load<ConsistencyCase>(join(VECTORS, `consistency/${dir}/happy-path.json`));
      expect((await log.root(Number(c.size1))).toString('base64')).toBe(c.root1);
      expect((await log.root(Number(c.size2))).toString('base64')).toBe(c.root2);
      expect((await log.consistencyProof(Number(c.size1), Number(c.size2))).map((h) => h.toString('base64'))).toEqual(c.proof ?? []);
    }
    expect((await memoryLog([]).root(0)).equals(EMPTY_ROOT)).toBe(true);
    expect(TreeEdge.empty().root().equals(EMPTY_ROOT)).toBe(true);
  });

  // Tiles of height 1 and 2 put 70 leaves over 6 and 3 tile levels: every path between the
  // right edge in memory and the stored tiles is crossed.
  for (const height of [1, 2, 8]) {
    it(`produces proofs that verify for every leaf and size pair up to 70 leaves, and only those (tile height ${height})`, async () => {
      const leaves = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
      const log70 = memoryLog(leaves, height);
      let checked = 0;
      for (let size = 1; size <= 70; size++) {
        const root = await log70.root(size);
        expect(root.equals(mth(leaves, 0, size))).toBe(true);
        const proofs = await log70.inclusionProofs(Array.from({ length: size }, (_, i) => i), size);
        for (let i = 0; i < size; i++) {
          const proof = proofs[i]!;
          expect(proof).toEqual(path(leaves, i, 0, size));
          expect(verifyInclusion(BigInt(i), BigInt(size), leaves[i]!, proof, root)).toBe(true);
          if (proof.length > 0) {
            const flipped = proof.map((p, j) => (j === 0 ? Buffer.from(p.map((b, k) => (k === 0 ? b ^ 1 : b))) : p));
            expect(verifyInclusion(BigInt(i), BigInt(size), leaves[i]!, flipped, root)).toBe(false);
          }
          expect(verifyInclusion(BigInt(i), BigInt(size), leafHash(Buffer.from('forged')), proof, root)).toBe(false);
          checked++;
        }
        for (let m = 1; m <= size; m++) {
          const proof = await log70.consistencyProof(m, size);
          expect(verifyConsistency(BigInt(m), BigInt(size), mth(leaves, 0, m), root, proof)).toBe(true);
          if (m < size) expect(verifyConsistency(BigInt(m), BigInt(size), mth(leaves, 0, m), mth(leaves, 0, size - 1), proof)).toBe(false);
        }
      }
      expect(checked).toBe((70 * 71) / 2);
    });
  }
});

describe('tile paths (c2sp.org/tlog-tiles)', () => {
  it('spells the index in groups of three digits, all but the last prefixed with x, and marks partial tiles', () => {
    expect(tilePath(0, 0, 256)).toBe('tile/0/000');
    expect(tilePath(0, 5, 17)).toBe('tile/0/005.p/17');
    expect(tilePath(1, 1234067, 256)).toBe('tile/1/x001/x234/067');
    expect(tilePath(2, 1000, 255)).toBe('tile/2/x001/000.p/255');
  });
});

describe('tiles of height 8 past two tile levels', () => {
  it('stores each level-1 tile whole once it fills, grows partial tiles by pieces, and proves leaves across 66,000 leaves', async () => {
    const leaves = Array.from({ length: 66_000 }, (_, i) => leafHash(Buffer.from(`row ${i}`)));
    const log = memoryLog(leaves);
    expect(log.rows.filter((r) => r.level === 2).map((r) => [r.index, r.width, r.hashes.length / 32])).toEqual([[0, 1, 1]]);
    expect(log.rows.filter((r) => r.level === 1 && r.width === 256).map((r) => r.index)).toEqual([0]);
    // 66,000 leaves = 257 full level-0 tiles and 208 leaves: level 1 holds tile 0 (256, full) and tile 1 (1 entry)
    expect(log.tree().partial(0).length / 32).toBe(66_000 % 256);
    expect(log.tree().partial(1).length / 32).toBe(1);
    expect(log.tree().partial(2).length / 32).toBe(1);
    for (const size of [1, 255, 256, 257, 65_535, 65_536, 65_537, 66_000]) expect((await log.root(size)).equals(mth(leaves, 0, size)), `root ${size}`).toBe(true);
    for (const [i, size] of [[0, 66_000], [65_535, 65_536], [65_536, 66_000], [12_345, 65_600], [65_999, 66_000], [300, 301]] as const) {
      expect((await log.inclusionProofs([i], size))[0]).toEqual(path(leaves, i, 0, size));
    }
    const proof = await log.consistencyProof(40_000, 66_000);
    expect(verifyConsistency(40_000n, 66_000n, mth(leaves, 0, 40_000), mth(leaves, 0, 66_000), proof)).toBe(true);
  });
});

describe('appending a large batch in slices (the writer lets the event loop in between)', () => {
  it('leaves the tree as one append would: same root, same partial tiles, same full tiles, the partial pieces adding up', async () => {
    const leaves = Buffer.concat(Array.from({ length: 70_000 }, (_, i) => leafHash(Buffer.from(`sliced ${i}`))));
    const start = TreeEdge.empty();
    start.append(leaves.subarray(0, 100 * 32)); // not on a tile boundary
    const whole = start.clone();
    const wholeRows = whole.append(leaves.subarray(100 * 32));
    const sliced = start.clone();
    let turns = 0;
    const slicedRows = await appendInSlices(sliced, leaves.subarray(100 * 32), 4096, async () => void turns++);
    expect(turns).toBe(Math.ceil((70_000 - 100) / 4096) - 1);
    expect(sliced.size).toBe(70_000);
    expect(sliced.root().equals(whole.root())).toBe(true);
    expect(sliced.root().equals(mth(Array.from({ length: 70_000 }, (_, i) => leaves.subarray(i * 32, i * 32 + 32)), 0, 70_000))).toBe(true);
    for (let L = 0; L < 3; L++) expect(sliced.partial(L).equals(whole.partial(L)), `partial tile of level ${L}`).toBe(true);
    const full = (rows: TileRow[]): string[] => rows.filter((r) => r.width === 256).map((r) => `${r.level}/${r.index}/${r.hashes.toString('hex')}`);
    expect(full(slicedRows)).toEqual(full(wholeRows));
    // the pieces of each partial tile, laid one after another, give what one append stored
    for (const last of wholeRows.filter((r) => r.width < 256)) {
      const pieces = slicedRows.filter((r) => r.level === last.level && r.index === last.index && r.width < 256);
      const stored = Buffer.alloc(last.width * 32);
      for (const p of pieces) p.hashes.copy(stored, (p.width - p.hashes.length / 32) * 32);
      expect(stored.subarray((last.width - last.hashes.length / 32) * 32).equals(last.hashes), `tile ${last.level}/${last.index}`).toBe(true);
    }
  });
});

/** A log whose tiles live in memory, grown in uneven batches the way the writer grows it. */
function memoryLog(leaves: Buffer[], height = 8): TileLog & { leaves: Buffer[]; rows: TileRow[]; tree: () => TreeEdge } {
  let edge = TreeEdge.empty(height);
  const W = 2 ** height;
  const stored = new Map<string, Buffer>();
  const rows: TileRow[] = [];
  for (let i = 0, step = 1; i < leaves.length; i += step, step = leaves.length > 1000 ? 997 : (step * 7) % 13 || 1) {
    const next = edge.clone();
    for (const row of next.append(Buffer.concat(leaves.slice(i, i + step)))) {
      rows.push(row);
      const key = `${row.level}/${row.index}`;
      // pieces of a partial tile add up; a full tile arrives whole
      stored.set(key, row.width === W ? row.hashes : Buffer.concat([(stored.get(key) ?? Buffer.alloc(0)).subarray(0, (row.width - row.hashes.length / 32) * 32), row.hashes]));
    }
    edge = next;
  }
  const source = {
    async fullTiles(coords: { level: number; index: number }[]): Promise<Buffer[]> {
      return coords.map(({ level, index }) => {
        const t = level === 0 ? Buffer.concat(leaves.slice(index * W, index * W + W)) : stored.get(`${level}/${index}`);
        if (!t || t.length !== W * 32) throw new Error(`tile ${level}/${index} is not full`);
        return t;
      });
    },
  };
  return Object.assign(new TileLog(() => edge, source, 4, height), { leaves, rows, tree: () => edge });
}

/** MTH(D[lo:hi]) and PATH straight from RFC 9162 §2.1, as references (MTH memoized per leaf list). */
const memo = new WeakMap<Buffer[], Map<string, Buffer>>();
function mth(leaves: Buffer[], lo: number, hi: number): Buffer {
  if (hi - lo === 0) return EMPTY_ROOT;
  if (hi - lo === 1) return leaves[lo]!;
  const m = memo.get(leaves) ?? new Map<string, Buffer>();
  memo.set(leaves, m);
  const hit = m.get(`${lo}:${hi}`);
  if (hit) return hit;
  let k = 1;
  while (k * 2 < hi - lo) k *= 2;
  const h = nodeHash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
  m.set(`${lo}:${hi}`, h);
  return h;
}

function path(leaves: Buffer[], m: number, lo: number, hi: number): Buffer[] {
  if (hi - lo <= 1) return [];
  let k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return m < lo + k ? [...path(leaves, m, lo, lo + k), mth(leaves, lo + k, hi)] : [...path(leaves, m, lo + k, hi), mth(leaves, lo, lo + k)];
}
