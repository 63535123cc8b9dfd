// The log's tree in C2SP tlog-tiles form (c2sp.org/tlog-tiles): tile (level L, index N) lists the
// hashes of tree level L·8, entries N·256 … N·256+width−1; a full tile has 256, the right-most
// tile of a level (a partial tile) fewer. The 7 tree levels inside a tile are recomputed from its
// entries, so any perfect subtree's hash is one stored tile away. TreeEdge is the right edge of
// the tree, one partial tile per tile level (≤ 8 KiB each): all the log keeps in memory. It
// appends leaves, yields the tile rows to store, and computes the root.
import { type Hash, type Node, nodeHashOfPair, rangeNodes, foldRange } from './merkle.ts';

export const TILE_HEIGHT = 8;

/** A stored piece of a tile: its entries [width − hashes.length/32, width). */
export interface TileRow {
  level: number;
  index: number;
  width: number;
  hashes: Buffer;
}

/** The tile path of c2sp.org/tlog-tiles: tile/<L>/<N as x001/x234/067>[.p/<W>]. */
export function tilePath(level: number, index: number, width: number, height = TILE_HEIGHT): string {
  let n = String(index % 1000).padStart(3, '0');
  for (let rest = Math.floor(index / 1000); rest > 0; rest = Math.floor(rest / 1000)) n = `x${String(rest % 1000).padStart(3, '0')}/${n}`;
  return `tile/${level}/${n}${width < 1 << height ? `.p/${width}` : ''}`;
}

/** Root of the perfect tree over `count` (a power of two) packed hashes starting at entry `from`. */
export function perfectRoot(buf: Uint8Array, from: number, count: number): Hash {
  if (count === 1) return Buffer.from(buf.subarray(from * 32, from * 32 + 32));
  let n = count / 2;
  const scratch = Buffer.allocUnsafe(n * 32);
  for (let i = 0; i < n; i++) scratch.set(nodeHashOfPair(buf, (from + 2 * i) * 32), i * 32);
  while (n > 1) {
    n /= 2;
    for (let i = 0; i < n; i++) scratch.set(nodeHashOfPair(scratch, 2 * i * 32), i * 32);
  }
  return Buffer.from(scratch.subarray(0, 32));
}

/** Where a perfect subtree's hash comes from: 2^span consecutive entries of one tile. */
export function locate(node: Node, height = TILE_HEIGHT): { level: number; index: number; offset: number; span: number } {
  const level = Math.floor(node.level / height);
  const span = node.level - level * height;
  const first = node.index * 2 ** span;
  const width = 2 ** height;
  const index = Math.floor(first / width);
  return { level, index, offset: first - index * width, span };
}

export class TreeEdge {
  private constructor(
    readonly height: number,
    private n: number,
    /** tiles[L]: the partial tile of tile level L, counts[L] entries of it filled */
    private readonly tiles: Buffer[],
    private readonly counts: number[],
  ) {}

  static empty(height = TILE_HEIGHT): TreeEdge {
    return new TreeEdge(height, 0, [], []);
  }

  /** The edge of a tree of `size` leaves from its partial tiles, level 0 first (level L holds ⌊size / W^L⌋ mod W entries). */
  static fromTiles(size: number, partials: Buffer[], height = TILE_HEIGHT): TreeEdge {
    const edge = new TreeEdge(height, size, [], []);
    const levels = edge.tileLevels();
    for (let L = 0; L < levels; L++) {
      const want = edge.expectedCount(L);
      const got = partials[L] ?? Buffer.alloc(0);
      if (got.length !== want * 32) throw new Error(`the partial tile of level ${L} has ${got.length / 32} entries where a tree of ${size} has ${want}`);
      edge.ensure(L);
      got.copy(edge.tiles[L]!);
      edge.counts[L] = want;
    }
    return edge;
  }

  get size(): number {
    return this.n;
  }

  get width(): number {
    return 2 ** this.height;
  }

  clone(): TreeEdge {
    return new TreeEdge(this.height, this.n, this.tiles.map((t) => Buffer.from(t)), [...this.counts]);
  }

  /** Tile levels with at least one entry at this size. */
  tileLevels(): number {
    let L = 0;
    while (Math.floor(this.n / this.width ** L) > 0) L++;
    return L;
  }

  /** Entries of level L's partial tile at this size. */
  expectedCount(L: number): number {
    return Math.floor(this.n / this.width ** L) % this.width;
  }

  /** Index of level L's partial (right-most, not yet full) tile. */
  tileIndex(L: number): number {
    return Math.floor(this.n / this.width ** (L + 1));
  }

  /** The filled entries of level L's partial tile. */
  partial(L: number): Buffer {
    return (this.tiles[L] ?? Buffer.alloc(0)).subarray(0, (this.counts[L] ?? 0) * 32);
  }

  /**
   * Appends packed 32-byte leaf hashes. Returns the rows of tiles above level 0 to store: each
   * tile that filled up as one full row, and the new entries of each partial tile that grew.
   * (Level 0 is the leaves themselves, stored with the rows they commit to.)
   */
  append(leaves: Uint8Array): TileRow[] {
    if (leaves.length % 32 !== 0) throw new Error('leaf hashes are 32 bytes each');
    const W = this.width;
    const before = this.counts.map((c, L) => ({ index: this.tileIndex(L), count: c }));
    const rows: TileRow[] = [];
    this.ensure(0);
    for (let off = 0; off < leaves.length; ) {
      // Leaves go into the level-0 tile in runs; only a filled tile climbs.
      const run = Math.min(W - this.counts[0]!, (leaves.length - off) / 32);
      this.tiles[0]!.set(leaves.subarray(off, off + run * 32), this.counts[0]! * 32);
      this.counts[0]! += run;
      this.n += run;
      off += run * 32;
      if (this.counts[0]! < W) break;
      let h: Uint8Array = perfectRoot(this.tiles[0]!, 0, W);
      this.counts[0] = 0;
      for (let L = 1; ; L++) {
        this.ensure(L);
        this.tiles[L]!.set(h, this.counts[L]! * 32);
        if (++this.counts[L]! < W) break;
        // Tile full: stored whole, and its root is the next level's entry.
        rows.push({ level: L, index: this.n / W ** (L + 1) - 1, width: W, hashes: Buffer.from(this.tiles[L]!) });
        h = perfectRoot(this.tiles[L]!, 0, W);
        this.counts[L] = 0;
      }
    }
    for (let L = 1; L < this.counts.length; L++) {
      const count = this.counts[L]!;
      const index = this.tileIndex(L);
      const from = before[L]?.index === index ? before[L]!.count : 0;
      if (count > from) rows.push({ level: L, index, width: count, hashes: Buffer.from(this.tiles[L]!.subarray(from * 32, count * 32)) });
    }
    return rows;
  }

  /** The root of the tree at this size. */
  root(): Hash {
    return foldRange(rangeNodes(0, this.n).map((x) => this.node(x)));
  }

  /** Whether a perfect subtree lies in the partial tiles (true for every node of the root's range). */
  holds(node: Node): boolean {
    const at = locate(node, this.height);
    return at.index === this.tileIndex(at.level) && at.offset + 2 ** at.span <= (this.counts[at.level] ?? 0);
  }

  node(node: Node): Hash {
    const at = locate(node, this.height);
    if (!this.holds(node)) throw new RangeError(`subtree ${node.level}/${node.index} is not on the right edge of a tree of ${this.n}`);
    return perfectRoot(this.tiles[at.level]!, at.offset, 2 ** at.span);
  }

  private ensure(L: number): void {
    while (this.tiles.length <= L) {
      this.tiles.push(Buffer.alloc(this.width * 32));
      this.counts.push(0);
    }
  }
}

/**
 * Appends `leaves` to `edge` `sliceLeaves` at a time, awaiting `between()` after each slice but
 * the last (a 20,000-row insert is ~40,000 hashes: the event loop gets turns in between). The
 * edge ends as one append would leave it; a partial tile's rows may come in several pieces, each
 * the entries that slice added.
 */
export async function appendInSlices(edge: TreeEdge, leaves: Uint8Array, sliceLeaves: number, between: () => Promise<void>): Promise<TileRow[]> {
  const rows: TileRow[] = [];
  for (let at = 0; at < leaves.length; at += sliceLeaves * 32) {
    if (at > 0) await between();
    rows.push(...edge.append(leaves.subarray(at, at + sliceLeaves * 32)));
  }
  return rows;
}

/** Every tree level inside a full tile, row r (0 … height) holding W >> r hashes: 2W−1 in all. */
export function expandTile(tile: Uint8Array, height = TILE_HEIGHT): Buffer {
  const W = 2 ** height;
  if (tile.length !== W * 32) throw new Error(`a full tile has ${W} hashes, got ${tile.length / 32}`);
  const out = Buffer.allocUnsafe((2 * W - 1) * 32);
  out.set(tile, 0);
  for (let r = 1; r <= height; r++) {
    const from = rowOffset(r - 1, W);
    const to = rowOffset(r, W);
    for (let j = 0; j < W >> r; j++) out.set(nodeHashOfPair(out, (from + 2 * j) * 32), (to + j) * 32);
  }
  return out;
}

/** The hash of 2^span entries from `offset` of an expanded tile. */
export function expandedNode(expanded: Buffer, offset: number, span: number, height = TILE_HEIGHT): Hash {
  const at = (rowOffset(span, 2 ** height) + offset / 2 ** span) * 32;
  return Buffer.from(expanded.subarray(at, at + 32));
}

function rowOffset(r: number, W: number): number {
  return 2 * W - (2 * W) / 2 ** r;
}
