// Keyed winnowing (Schleimer, Wilkerson, Aiken 2003, as in MOSS): hash every k-character
// gram of the normalized text, keep the minimum of each window of w hashes. Any shared run of
// at least K + W - 1 characters is guaranteed to share a fingerprint; shorter ones often do.
// Selection uses a fast unkeyed hash; the stored value is keyed with the tenant key, so a
// fingerprint cannot be matched against a dictionary of guessed texts without the key.
// The keyed step is AES-128 (a PRP under a key derived from the provenance key) over a 128-bit
// unkeyed digest of each selected gram, all grams of one text in one cipher call: an HMAC per
// gram was three quarters of the extractor's time.
//
// Low-entropy values (an address, a card) arrive as tags between U+E000 and U+E001 (TAG_SCOPE in
// redaction/redactor.ts). A fingerprint of a gram that touches one has its top bit set
// ("sensitive"); slices match sensitive fingerprints only within one trace (isSensitive), so a
// guess sent in another trace can never make an edge appear.
import { createCipheriv, createHmac } from 'node:crypto';

const TOP = 1n << 63n;

/** Whether a stored fingerprint's gram touched a low-entropy value. */
export function isSensitive(fp: string): boolean {
  return fp.length >= 19 && BigInt(fp) >= TOP;
}

export const K = 10;
export const W = 6;

export interface Fingerprints {
  /** keyed 64-bit fingerprints as decimal strings (ClickHouse UInt64) */
  values: string[];
  /** where each was taken: character offset in the normalized text */
  positions: number[];
  /** length of the normalized text the offsets refer to */
  length: number;
}

const SEP = '\u0000';

/** Lower case, one space for any run of whitespace; text leaves joined by a separator no gram crosses. */
export function normalizeForFingerprint(leaves: string[]): string {
  return leaves
    .map((t) => t.toLowerCase().replace(/\s+/g, ' ').trim())
    .filter((t) => t.length > 0)
    .join(SEP);
}

export function fingerprint(key: Buffer, leaves: string[]): Fingerprints {
  const text = normalizeForFingerprint(leaves);
  const n = text.length - K + 1;
  if (n <= 0) return { values: [], positions: [], length: text.length };
  const hashes = gramHashes(text, n);
  const picked: number[] = [];
  let last = -1;
  const windows = Math.max(1, n - W + 1);
  for (let start = 0; start < windows; start++) {
    let min = -1;
    const end = Math.min(n, start + W);
    for (let i = start; i < end; i++) {
      if (hashes[i] === SKIP) continue;
      // rightmost minimum, as in the paper, so runs of equal hashes pick one position
      if (min < 0 || hashes[i]! <= hashes[min]!) min = i;
    }
    if (min >= 0 && min !== last) {
      picked.push(min);
      last = min;
    }
  }
  const tagged = tagPrefix(text);
  const blocks = Buffer.allocUnsafe(picked.length * 16);
  for (let j = 0; j < picked.length; j++) gramDigest(text, picked[j]!, blocks, j * 16);
  const cipher = createCipheriv('aes-128-ecb', fingerprintKey(key), null).setAutoPadding(false);
  const keyed = cipher.update(blocks);
  const values: string[] = [];
  const positions: number[] = [];
  const seen = new Set<string>();
  for (let j = 0; j < picked.length; j++) {
    const i = picked[j]!;
    const raw = keyed.readBigUInt64BE(j * 16);
    const v = (tagged[i + K]! > tagged[i]! ? raw | TOP : raw & (TOP - 1n)).toString();
    if (seen.has(v)) continue; // one fingerprint per distinct gram: repeats would inflate overlap
    seen.add(v);
    values.push(v);
    positions.push(picked[j]!);
  }
  return { values, positions, length: text.length };
}

/** prefix[j] = characters inside tags (markers included) among text[0, j). */
function tagPrefix(text: string): Int32Array {
  const prefix = new Int32Array(text.length + 1);
  let inside = false;
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0xe000) inside = true;
    prefix[j + 1] = prefix[j]! + (inside ? 1 : 0);
    if (c === 0xe001) inside = false;
  }
  return prefix;
}

const aesKeys = new WeakMap<Buffer, Buffer>();

/** The fingerprint cipher key: derived from the provenance key, so it is per tenant too. */
function fingerprintKey(key: Buffer): Buffer {
  let k = aesKeys.get(key);
  if (!k) {
    k = createHmac('sha256', key).update('causeway fingerprint v2').digest().subarray(0, 16);
    aesKeys.set(key, k);
  }
  return k;
}

/**
 * Four independent 32-bit multiplicative hashes of text[i, i+K), written as one 16-byte block.
 * Unkeyed and not cryptographic: it only has to make distinct grams distinct blocks (a false
 * equality needs a 128-bit collision); the secrecy comes from the cipher over it.
 */
function gramDigest(text: string, i: number, out: Buffer, at: number): void {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  let c = 0x85ebca6b;
  let d = 0xc2b2ae35;
  for (let j = i; j < i + K; j++) {
    const ch = text.charCodeAt(j);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995);
    c = Math.imul(c + ch, 0x27d4eb2f) ^ (c >>> 15);
    d = Math.imul(d ^ (ch << 8 | ch), 0x165667b1) + j - i;
  }
  out.writeInt32BE(a | 0, at);
  out.writeInt32BE(b | 0, at + 4);
  out.writeInt32BE(c | 0, at + 8);
  out.writeInt32BE(d | 0, at + 12);
}

const SKIP = -2147483648;

const B = 0x01000193;
/** B^(K-1) mod 2^32, to take the outgoing character out of the rolling hash */
const B_K1 = (() => {
  let p = 1;
  for (let i = 1; i < K; i++) p = Math.imul(p, B);
  return p;
})();

/**
 * Karp-Rabin rolling hash of every gram text[i, i+K) (mod 2^32, odd base), one step per
 * character, then a murmur3 finalizer so the window minimum is not biased by the low bits.
 * Grams that cross a leaf boundary are SKIP.
 */
function gramHashes(text: string, n: number): Int32Array {
  const out = new Int32Array(n);
  let h = 0;
  let lastSep = -1;
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0) lastSep = j;
    if (j >= K) h = h - Math.imul(text.charCodeAt(j - K), B_K1);
    h = (Math.imul(h, B) + c) | 0;
    const i = j - K + 1;
    if (i < 0) continue;
    if (lastSep >= i) {
      out[i] = SKIP;
      continue;
    }
    let x = h ^ (h >>> 16);
    x = Math.imul(x, 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    x ^= x >>> 16;
    out[i] = x === SKIP ? SKIP + 1 : x;
  }
  return out;
}
