// Keyed winnowing (Schleimer, Wilkerson, Aiken 2003, as in MOSS): hash every k-character
// gram of the normalized text, keep the minimum of each window of w hashes. Any shared run of
// at least K + W - 1 characters is guaranteed to share a fingerprint; shorter ones often do.
// Selection uses a fast unkeyed hash; the stored value is keyed with the tenant key, so a
// fingerprint cannot be matched against a dictionary of guessed texts without the key.
import { createHmac } from 'node:crypto';

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
  const hashes = new Int32Array(Math.max(n, 0));
  for (let i = 0; i < n; i++) hashes[i] = gramHash(text, i);
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
  const values: string[] = [];
  const positions: number[] = [];
  const seen = new Set<string>();
  for (const p of picked) {
    const v = createHmac('sha256', key).update(text.slice(p, p + K)).digest().readBigUInt64BE(0).toString();
    if (seen.has(v)) continue; // one fingerprint per distinct gram: repeats would inflate overlap
    seen.add(v);
    values.push(v);
    positions.push(p);
  }
  return { values, positions, length: text.length };
}

const SKIP = -2147483648;

/** 32-bit FNV-1a of text[i, i+K); grams that cross a leaf boundary are skipped. */
function gramHash(text: string, i: number): number {
  let h = 0x811c9dc5;
  for (let j = i; j < i + K; j++) {
    const c = text.charCodeAt(j);
    if (c === 0) return SKIP;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h === SKIP ? SKIP + 1 : h;
}
