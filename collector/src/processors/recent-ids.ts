// Which artifacts this process already wrote, for as many as fit a fixed budget: 128-bit ids
// (32 hex digits, provenance/artifact-id.ts) packed in typed arrays — 16 bytes an id, outside the
// V8 heap, in tables that grow as they fill up to the bound — in two generations. Adding fills the
// young table; when it holds `limit / 2` ids it becomes the old one and the oldest is emptied for
// reuse. An id found in the old table is brought back into the young one, so ids met again and
// again (a document retrieved in every trace) stay however many others pass through. A set cleared
// when full forgot them all at once: a 1M-span soak wrote 1.37 artifact rows per distinct artifact
// (documents 5×). Anything else than 32 hex digits is never held: at worst it is written again.

/** One generation: open addressing over the id's first word (ids are uniform), linear probing. */
class IdTable {
  readonly words: Uint32Array;
  readonly used: Uint8Array;
  private readonly mask: number;
  size = 0;

  constructor(slots: number) {
    this.words = new Uint32Array(slots * 4);
    this.used = new Uint8Array(slots);
    this.mask = slots - 1;
  }

  /** The slot holding the id, or the empty slot where it would go (as −1 − slot). */
  find(w: Uint32Array): number {
    for (let s = w[0]! & this.mask; ; s = (s + 1) & this.mask) {
      if (!this.used[s]) return -1 - s;
      const o = s * 4;
      if (this.words[o] === w[0] && this.words[o + 1] === w[1] && this.words[o + 2] === w[2] && this.words[o + 3] === w[3]) return s;
    }
  }

  insertAt(emptySlot: number, w: Uint32Array): void {
    this.words.set(w, emptySlot * 4);
    this.used[emptySlot] = 1;
    this.size++;
  }

  get slots(): number {
    return this.used.length;
  }

  /** This table's ids in one twice as large. */
  grown(): IdTable {
    const t = new IdTable(this.slots * 2);
    const w = new Uint32Array(4);
    for (let s = 0; s < this.slots; s++) {
      if (!this.used[s]) continue;
      w.set(this.words.subarray(s * 4, s * 4 + 4));
      t.insertAt(-1 - t.find(w), w);
    }
    return t;
  }

  clear(): void {
    this.used.fill(0);
    this.size = 0;
  }
}

/** Slots a table starts with: tables grow as they fill, so a quiet tenant costs ~20 KB, not the bound. */
const FIRST_SLOTS = 1024;

const HEX_ID = /^[0-9a-f]{32}$/;

export class RecentIds {
  private young: IdTable;
  private old: IdTable;
  private readonly half: number;
  private readonly maxSlots: number;
  private readonly w = new Uint32Array(4);

  constructor(limit: number) {
    this.half = Math.max(1, Math.floor(limit / 2));
    // at most half full: probes stay short
    let slots = 2;
    while (slots < this.half * 2) slots *= 2;
    this.maxSlots = slots;
    this.young = new IdTable(Math.min(slots, FIRST_SLOTS));
    this.old = new IdTable(Math.min(slots, FIRST_SLOTS));
  }

  /** Whether `id` is here; one found here is kept for another generation. */
  has(id: string): boolean {
    if (!this.parse(id)) return false;
    if (this.young.find(this.w) >= 0) return true;
    if (this.old.find(this.w) < 0) return false;
    this.addParsed();
    return true;
  }

  add(id: string): void {
    if (this.parse(id)) this.addParsed();
  }

  /** Ids held (at most the limit given). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  private addParsed(): void {
    let at = this.young.find(this.w);
    if (at >= 0) return;
    if (this.young.size >= this.half) {
      const emptied = this.old;
      emptied.clear();
      this.old = this.young;
      this.young = emptied;
      at = this.young.find(this.w);
    } else if ((this.young.size + 1) * 2 > this.young.slots && this.young.slots < this.maxSlots) {
      this.young = this.young.grown();
      at = this.young.find(this.w);
    }
    this.young.insertAt(-1 - at, this.w);
  }

  private parse(id: string): boolean {
    if (id.length !== 32 || !HEX_ID.test(id)) return false;
    for (let i = 0; i < 4; i++) this.w[i] = Number.parseInt(id.slice(i * 8, i * 8 + 8), 16);
    return true;
  }
}
