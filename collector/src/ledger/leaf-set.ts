// Every leaf hash of a log, by index and by value, in ~40 bytes a leaf: packed 32-byte hashes in
// fixed chunks (no single buffer grows past a few MB, whatever the log's size) and an
// open-addressing table of leaf indices keyed by the hash's first 4 bytes (SHA-256 output is
// uniform). For `causeway verify`: which leaves does some stored row match, which none.

const CHUNK = 1 << 18;

export class LeafSet {
  private readonly chunks: Buffer[] = [];
  private present = new Uint8Array(1024);
  private matched = new Uint8Array(1024);
  /** slot → first leaf index with that hash, plus one (0 = empty) */
  private table = new Uint32Array(1 << 16);
  private used = 0;
  /** leaf indices seen (missing ones included) */
  size = 0;
  /** leaves present */
  count = 0;

  /** Appends the next leaf index: its hash, or undefined for a missing leaf. */
  add(hash: Uint8Array | undefined): void {
    const i = this.size++;
    if (i % CHUNK === 0) this.chunks.push(Buffer.alloc(CHUNK * 32));
    if (this.size > this.present.length) {
      this.present = grow(this.present);
      this.matched = grow(this.matched);
    }
    if (!hash) return;
    this.chunks[Math.floor(i / CHUNK)]!.set(hash, (i % CHUNK) * 32);
    this.present[i] = 1;
    this.count++;
    if (this.find(hash) >= 0) return; // a repeat: the first leaf with this hash stands for it
    if ((this.used + 1) * 2 > this.table.length) this.rehash();
    this.insert(i, hash);
  }

  hash(i: number): Buffer {
    return this.chunks[Math.floor(i / CHUNK)]!.subarray((i % CHUNK) * 32, (i % CHUNK) * 32 + 32);
  }

  /** Whether a leaf has this hash; if so, every leaf with it counts as matched. */
  match(hash: Uint8Array): boolean {
    const first = this.find(hash);
    if (first < 0) return false;
    this.matched[first] = 1;
    return true;
  }

  /** Indices of present leaves whose hash no row matched. */
  unmatched(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.present[i] && !this.matched[this.find(this.hash(i))]) out.push(i);
    return out;
  }

  /** First leaf index with this hash, or −1. */
  private find(hash: Uint8Array): number {
    const mask = this.table.length - 1;
    for (let s = key(hash) & mask; ; s = (s + 1) & mask) {
      const v = this.table[s]!;
      if (v === 0) return -1;
      if (this.hash(v - 1).equals(hash)) return v - 1;
    }
  }

  private insert(i: number, hash: Uint8Array): void {
    const mask = this.table.length - 1;
    let s = key(hash) & mask;
    while (this.table[s] !== 0) s = (s + 1) & mask;
    this.table[s] = i + 1;
    this.used++;
  }

  private rehash(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.used = 0;
    for (const v of old) if (v !== 0) this.insert(v - 1, this.hash(v - 1));
  }
}

function key(hash: Uint8Array): number {
  return ((hash[0]! << 24) | (hash[1]! << 16) | (hash[2]! << 8) | hash[3]!) >>> 0;
}

function grow(a: Uint8Array): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(a.length * 2);
  b.set(a);
  return b;
}
