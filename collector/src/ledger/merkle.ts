// RFC 6962 / RFC 9162 Merkle tree: leaf hash SHA-256(0x00 ‖ data), node hash
// SHA-256(0x01 ‖ left ‖ right). The log keeps every perfect subtree hash, level by level, so an
// append costs amortized O(1) hashes and any root or proof is O(log n) lookups.
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

/** Root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** Hashes of one level packed 32 bytes apart in one growing buffer: millions of leaves cost
 * 32 bytes each, not a Buffer object each (which made the collector's memory grow with the log). */
class Level {
  private buf = Buffer.alloc(32 * 1024);
  length = 0;

  push(h: Uint8Array): void {
    if ((this.length + 1) * 32 > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.length * 32);
      this.buf = bigger;
    }
    this.buf.set(h, this.length * 32);
    this.length++;
  }

  get(i: number): Hash | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    return Buffer.from(this.buf.subarray(i * 32, i * 32 + 32));
  }

  /** Hash of the node over entries i-1 and i (adjacent in the buffer, so one copy). */
  parentOfPair(i: number): Hash {
    this.buf.copy(NODE_INPUT, 1, (i - 1) * 32, (i + 1) * 32);
    return hash('sha256', NODE_INPUT, 'buffer');
  }
}

export class MerkleLog {
  /** levels[k][i] = hash of the perfect subtree of 2^k leaves starting at leaf i·2^k */
  private readonly levels: Level[] = [new Level()];

  get size(): number {
    return this.levels[0]!.length;
  }

  /** Appends a leaf hash; returns its index. */
  append(leaf: Hash): number {
    const index = this.size;
    this.levels[0]!.push(leaf);
    let i = index;
    for (let k = 0; i % 2 === 1; k++) {
      (this.levels[k + 1] ??= new Level()).push(this.levels[k]!.parentOfPair(i));
      i = (i - 1) / 2;
    }
    return index;
  }

  leaf(index: number): Hash {
    const h = this.levels[0]!.get(index);
    if (!h) throw new RangeError(`no leaf ${index} in a log of ${this.size}`);
    return h;
  }

  /** Root of the tree of the first `size` leaves (MTH of RFC 9162 §2.1.1). */
  root(size = this.size): Hash {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : this.range(0, size);
  }

  /** Inclusion proof of leaf `index` in the tree of `size` leaves (PATH, RFC 9162 §2.1.3.1). */
  inclusionProof(index: number, size = this.size): Hash[] {
    this.checkSize(size);
    if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    const proof: Hash[] = [];
    this.path(index, 0, size, proof);
    return proof;
  }

  /** Consistency proof between the trees of `size1` and `size2` leaves (PROOF, RFC 9162 §2.1.4.1). */
  consistencyProof(size1: number, size2 = this.size): Hash[] {
    this.checkSize(size2);
    if (!(size1 >= 0 && size1 <= size2)) throw new RangeError(`no consistency proof from ${size1} to ${size2}`);
    const proof: Hash[] = [];
    if (size1 > 0 && size1 < size2) this.subproof(size1, 0, size2, true, proof);
    return proof;
  }

  /** MTH(D[lo:hi]); every left part of the RFC recursion is an aligned perfect subtree. */
  private range(lo: number, hi: number): Hash {
    const n = hi - lo;
    if (isPowerOfTwo(n) && lo % n === 0) return this.levels[Math.log2(n)]!.get(lo / n)!;
    const k = largestPowerOfTwoBelow(n);
    return nodeHash(this.range(lo, lo + k), this.range(lo + k, hi));
  }

  private path(m: number, lo: number, hi: number, out: Hash[]): void {
    const n = hi - lo;
    if (n === 1) return;
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      this.path(m, lo, lo + k, out);
      out.push(this.range(lo + k, hi));
    } else {
      this.path(m - k, lo + k, hi, out);
      out.push(this.range(lo, lo + k));
    }
  }

  private subproof(m: number, lo: number, hi: number, whole: boolean, out: Hash[]): void {
    const n = hi - lo;
    if (m === n) {
      if (!whole) out.push(this.range(lo, hi));
      return;
    }
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      this.subproof(m, lo, lo + k, whole, out);
      out.push(this.range(lo + k, hi));
    } else {
      this.subproof(m - k, lo + k, hi, false, out);
      out.push(this.range(lo, lo + k));
    }
  }

  private checkSize(size: number): void {
    if (!(Number.isInteger(size) && size >= 0 && size <= this.size)) throw new RangeError(`tree size ${size} is not in 0..${this.size}`);
  }
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

function isPowerOfTwoBig(n: bigint): boolean {
  return n > 0n && (n & (n - 1n)) === 0n;
}

/** The largest power of two strictly below n (n ≥ 2). */
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
