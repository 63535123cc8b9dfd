// Where each fingerprint is held among a scope's artifacts (the copied-text step's index, built
// once per scope of a walk). A 3,000-span trace's scope holds ~220,000 fingerprints (84,000
// distinct), of which a backward walk looks up a few thousand: built as one chain per
// fingerprint through flat arrays, not a list per fingerprint (84,000 small arrays were most of
// the index's cost: 160-430 ms with their garbage collection, per trace overview).
import type { ArtifactFacts } from './reader.ts';

export class FingerprintHolders {
  /** fingerprint → its first occurrence */
  private readonly first = new Map<string, number>();
  /** per occurrence: the next occurrence of the same fingerprint (-1: none), its row and its index in that row */
  private readonly next: Int32Array;
  private readonly row: Int32Array;
  private readonly idx: Int32Array;

  constructor(readonly facts: ArtifactFacts[]) {
    let n = 0;
    for (const r of facts) n += r.fingerprints.length;
    this.next = new Int32Array(n);
    this.row = new Int32Array(n);
    this.idx = new Int32Array(n);
    // filled from the last occurrence back, so that each chain runs in (row, index) order
    let k = n;
    for (let r = facts.length - 1; r >= 0; r--) {
      const fps = facts[r]!.fingerprints;
      for (let i = fps.length - 1; i >= 0; i--) {
        k--;
        const f = fps[i]!;
        this.next[k] = this.first.get(f) ?? -1;
        this.first.set(f, k);
        this.row[k] = r;
        this.idx[k] = i;
      }
    }
  }

  /** The artifacts holding `f` and where in their text, in row order (within a row, by index); undefined when none does. */
  holders(f: string): { artifact_id: string; pos: number }[] | undefined {
    let k = this.first.get(f);
    if (k === undefined) return undefined;
    const l: { artifact_id: string; pos: number }[] = [];
    for (; k !== -1; k = this.next[k]!) {
      const row = this.facts[this.row[k]!]!;
      l.push({ artifact_id: row.artifact_id, pos: row.fp_positions[this.idx[k]!]! });
    }
    return l;
  }
}
