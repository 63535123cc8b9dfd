// Content flow's candidates: the artifacts sharing at least MIN_SHARED fingerprints with an
// artifact, and which. Counted over numbered artifacts in flat arrays, their shared fingerprints
// made into lists only for the candidates a caller looks at: a 3,000-span trace graph visits
// ~1.9M (fingerprint, holder) pairs for its ~1,650 artifacts, and built ~340,000 candidate
// objects of four lists each, most never looked at (counting in a Map, and the garbage, were a
// quarter of the graph's time).
import { isSensitive } from '../fingerprint.ts';
import type { ArtifactFacts } from './reader.ts';

export const MIN_SHARED = 3;

/** Fingerprint → the artifacts holding it and where in their text (UNPLACED: not known yet, see placeTheirs). */
export type FingerprintIndex = Map<string, { artifact_id: string; pos: number }[]>;
export const UNPLACED = -1;

/** What one artifact shares with a candidate source: how many fingerprints, which of its own (by index), where on each side. */
export interface Shared {
  shared: number;
  idx: number[];
  mine: number[];
  theirs: number[];
  /** per shared fingerprint: whether its gram touched a low-entropy (redacted) value */
  sensitive: boolean[];
}

/** The shared fingerprints without those whose gram touched a low-entropy value. */
export function withoutSensitive(c: Shared): Shared {
  const pick = <T>(xs: T[]): T[] => xs.filter((_, i) => !c.sensitive[i]);
  const idx = pick(c.idx);
  return { shared: idx.length, idx, mine: pick(c.mine), theirs: pick(c.theirs), sensitive: idx.map(() => false) };
}

/** A FingerprintIndex with its artifacts numbered: per fingerprint, (artifact number, position) pairs in the index's order. */
export class NumberedIndex {
  readonly ids: string[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly byFp = new Map<string, Int32Array>();
  /** per artifact number: a count, zero between calls of candidatesOf; and its slot in the current call */
  readonly count: Int32Array;
  readonly slot: Int32Array;

  /** From an index, or from rows: where each of `fps` is held among them, in row order (within a row, by index: as holders.ts lists them). */
  constructor(from: FingerprintIndex | { rows: ArtifactFacts[]; fps: Set<string> }) {
    if (from instanceof Map) {
      for (const [f, holders] of from) {
        const pairs = new Int32Array(holders.length * 2);
        holders.forEach((h, k) => {
          pairs[2 * k] = this.numberOrNew(h.artifact_id);
          pairs[2 * k + 1] = h.pos;
        });
        this.byFp.set(f, pairs);
      }
    } else {
      // counted, then filled: no list per fingerprint (a 3,000-span trace's scope holds ~220,000)
      const { rows, fps } = from;
      const n = new Map<string, number>();
      for (const r of rows) for (const f of r.fingerprints) if (fps.has(f)) n.set(f, (n.get(f) ?? 0) + 1);
      const flat = new Int32Array(2 * [...n.values()].reduce((a, b) => a + b, 0));
      const at = new Map<string, number>();
      let end = 0;
      for (const [f, c] of n) {
        this.byFp.set(f, flat.subarray(end, end + 2 * c));
        at.set(f, end);
        end += 2 * c;
      }
      for (const r of rows) {
        const a = this.numberOrNew(r.artifact_id);
        r.fingerprints.forEach((f, i) => {
          const k = at.get(f);
          if (k === undefined) return;
          flat[k] = a;
          flat[k + 1] = r.fp_positions[i]!;
          at.set(f, k + 2);
        });
      }
    }
    this.count = new Int32Array(this.ids.length);
    this.slot = new Int32Array(this.ids.length);
  }

  private numberOrNew(id: string): number {
    let n = this.numbers.get(id);
    if (n === undefined) this.numbers.set(id, (n = this.ids.push(id) - 1));
    return n;
  }

  number(id: string): number {
    return this.numbers.get(id) ?? -1;
  }

  holders(f: string): Int32Array | undefined {
    return this.byFp.get(f);
  }
}

/** One artifact's candidates, in the index's order (where each was first met), their shared fingerprints flat. */
export class Candidates {
  constructor(
    private readonly row: ArtifactFacts,
    readonly ids: string[],
    /** candidate k's shared fingerprints are at [from[k], from[k + 1]) of idx and theirs */
    private readonly from: Int32Array,
    private readonly idx: Int32Array,
    private readonly theirs: Int32Array,
  ) {}

  shared(k: number): number {
    return this.from[k + 1]! - this.from[k]!;
  }

  /** How many of candidate k's shared fingerprints `covered` does not hold (by the row's index). */
  fresh(k: number, covered: Uint8Array): number {
    let n = 0;
    for (let j = this.from[k]!; j < this.from[k + 1]!; j++) if (covered[this.idx[j]!] === 0) n++;
    return n;
  }

  /** Candidate k's shared fingerprints as lists, in the row's order. */
  get(k: number): Shared {
    const idx = Array.from(this.idx.subarray(this.from[k]!, this.from[k + 1]!));
    const { fingerprints, fp_positions } = this.row;
    return {
      shared: idx.length,
      idx,
      mine: idx.map((i) => fp_positions[i]!),
      theirs: Array.from(this.theirs.subarray(this.from[k]!, this.from[k + 1]!)),
      sensitive: idx.map((i) => isSensitive(fingerprints[i]!)),
    };
  }

  toMap(): Map<string, Shared> {
    return new Map(this.ids.map((id, k) => [id, this.get(k)]));
  }
}

/**
 * The artifacts sharing at least MIN_SHARED of `row`'s fingerprints (never itself), in the index's
 * order, those `keep` refuses left out. Two passes over the row's holders: count, then place.
 */
export function candidatesOf(row: ArtifactFacts, index: NumberedIndex, keep?: (id: string) => boolean): Candidates {
  const { count, slot } = index;
  const self = index.number(row.artifact_id);
  const lists = row.fingerprints.map((f) => index.holders(f));
  // counted first: most artifacts share a fingerprint or two (boilerplate) and are never candidates
  const met: number[] = [];
  for (const l of lists) {
    if (!l) continue;
    for (let k = 0; k < l.length; k += 2) if (count[l[k]!]!++ === 0) met.push(l[k]!);
  }
  const ids: string[] = [];
  const from = [0];
  for (const n of met) {
    const id = index.ids[n]!;
    if (n !== self && count[n]! >= MIN_SHARED && (!keep || keep(id))) {
      slot[n] = ids.length;
      ids.push(id);
      from.push(from[from.length - 1]! + count[n]!);
    } else slot[n] = -1;
    count[n] = 0;
  }
  const at = Int32Array.from(from);
  const fill = at.slice(0, -1);
  const idx = new Int32Array(at[ids.length]!);
  const theirs = new Int32Array(idx.length);
  lists.forEach((l, i) => {
    if (!l) return;
    for (let k = 0; k < l.length; k += 2) {
      const s = slot[l[k]!]!;
      if (s < 0) continue;
      idx[fill[s]!] = i;
      theirs[fill[s]!++] = l[k + 1]!;
    }
  });
  return new Candidates(row, ids, at, idx, theirs);
}

/**
 * Where each shared fingerprint sits in the candidate: from the candidate's own row (a
 * fingerprint occurs once per artifact), as the index held it before schemas/sql/017. A hit
 * the candidate's row does not hold (two artifacts sharing a 64-bit index key, schemas/sql/016)
 * is not counted.
 */
export function placeTheirs(row: ArtifactFacts, m: Map<string, Shared>, rowOf: (id: string) => ArtifactFacts | undefined): void {
  for (const [cid, c] of m) {
    const crow = rowOf(cid);
    if (!crow) continue; // not stored: dropped with the candidates that cannot have copied
    const at = new Map<string, number>();
    crow.fingerprints.forEach((f, j) => at.has(f) || at.set(f, crow.fp_positions[j]!));
    const keep = c.idx.map((i) => at.has(row.fingerprints[i]!));
    if (keep.every(Boolean)) {
      c.theirs = c.idx.map((i) => at.get(row.fingerprints[i]!)!);
      continue;
    }
    const pick = <T>(xs: T[]): T[] => xs.filter((_, k) => keep[k]);
    const idx = pick(c.idx);
    if (idx.length < MIN_SHARED) {
      m.delete(cid);
      continue;
    }
    Object.assign(c, { shared: idx.length, idx, mine: pick(c.mine), theirs: idx.map((i) => at.get(row.fingerprints[i]!)!), sensitive: pick(c.sensitive) });
  }
}
