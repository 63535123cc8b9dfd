// RFC 6962 / RFC 9162 Merkle tree: leaf hash SHA-256(0x00 ‖ data), node hash
// SHA-256(0x01 ‖ left ‖ right); proofs as lists of ranges, each the hash of a few perfect
// subtrees (tiles.ts reads those from stored tiles), and the offline verifiers.
// Hashes are one-shot crypto.hash calls over one buffer: about twice as fast as a Hash object
// per node, which mattered with a dozen leaves per ingested span.
import { createHash, hash } from 'node:crypto';

export type Hash = Buffer;

export function leafHash(data: Uint8Array): Hash {
  const buf = Buffer.allocUnsafe(1 + data.length);
  buf[0] = 0;
  buf.set(data, 1);
  return hash('sha256', buf, 'buffer');
}

/** 0x01 ‖ left ‖ right, reused: hashing copies nothing out of it */
const NODE_INPUT = Buffer.alloc(65, 1);

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 33);
  return hash('sha256', NODE_INPUT, 'buffer');
}

/** nodeHash of the two hashes at buf[offset … offset+64): adjacent siblings in a packed level. */
export function nodeHashOfPair(buf: Uint8Array, offset: number): Hash {
  NODE_INPUT.set(buf.subarray(offset, offset + 64), 1);
  return hash('sha256', NODE_INPUT, 'buffer');
}

/** Root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** A perfect subtree of the log: 2^level leaves starting at leaf index·2^level (tlog's "stored hash"). */
export interface Node {
  level: number;
  index: number;
}

/**
 * MTH(D[lo:hi]) as the perfect subtrees it is made of, largest first: MTH = H(n0, H(n1, … H(nk-1, nk))).
 * In RFC 9162's recursion every left part is a perfect subtree aligned to its size, so a range
 * met by that recursion (a root, a proof element) is a right fold over these.
 */
export function rangeNodes(lo: number, hi: number): Node[] {
  const out: Node[] = [];
  let start = lo;
  let n = hi - lo;
  while (n > 0) {
    const k = isPowerOfTwo(n) ? n : largestPowerOfTwoBelow(n);
    if (start % k !== 0) throw new RangeError(`[${lo}, ${hi}) is not a range of RFC 9162's recursion`);
    out.push({ level: log2(k), index: start / k });
    start += k;
    n -= k;
  }
  return out;
}

/** Folds the hashes of rangeNodes() into the range's hash. */
export function foldRange(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** The ranges whose hashes make the inclusion proof of leaf m in a tree of n leaves (PATH, RFC 9162 §2.1.3.1), in proof order. */
export function inclusionRanges(m: number, n: number): [number, number][] {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m >= 0 && m < n)) throw new RangeError(`leaf ${m} is not in a tree of ${n}`);
  // The recursion descends to the leaf and emits on the way back up: collect top-down, reverse.
  const out: [number, number][] = [];
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m < lo + k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
    }
  }
  return out.reverse();
}

/** The ranges whose hashes make the consistency proof from m to n leaves (PROOF, RFC 9162 §2.1.4.1), in proof order. */
export function consistencyRanges(m: number, n: number): [number, number][] {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m >= 0 && m <= n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  if (m === 0 || m === n) return [];
  const out: [number, number][] = [];
  let lo = 0;
  let hi = n;
  let mm = m;
  let whole = true;
  for (;;) {
    const size = hi - lo;
    if (mm === size) {
      if (!whole) out.push([lo, hi]);
      break;
    }
    const k = largestPowerOfTwoBelow(size);
    if (mm <= k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      mm -= k;
      lo += k;
      whole = false;
    }
  }
  return out.reverse();
}

/** Verifies an inclusion proof (RFC 9162 §2.1.3.2). Sizes and indices are exact up to 2^64. */
export function verifyInclusion(index: bigint, size: bigint, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (index < 0n || index >= size || leaf.length !== 32 || root.length !== 32 || proof.some((p) => p.length !== 32)) return false;
  let fn = index;
  let sn = size - 1n;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else r = nodeHash(r, p);
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && Buffer.from(r).equals(Buffer.from(root));
}

/** Verifies a consistency proof (RFC 9162 §2.1.4.2). */
export function verifyConsistency(size1: bigint, size2: bigint, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
  if (size1 < 0n || size1 > size2) return false;
  // The same tree: nothing to prove but that the roots agree (and the empty tree's root is fixed).
  if (size1 === size2) return proof.length === 0 && same(root1, root2) && (size1 > 0n || same(root1, EMPTY_ROOT));
  if (root1.length !== 32 || root2.length !== 32 || proof.some((p) => p.length !== 32)) return false;
  // Consistency with the empty tree proves nothing: refuse it rather than pretend.
  if (size1 === 0n || proof.length === 0) return false;
  const path = isPowerOfTwoBig(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else sr = nodeHash(sr, c);
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && same(fr, root1) && same(sr, root2);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}

function log2(k: number): number {
  return Math.round(Math.log2(k));
}

function isPowerOfTwoBig(n: bigint): boolean {
  return n > 0n && (n & (n - 1n)) === 0n;
}

/** The largest power of two strictly below n (n ≥ 2). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
