// Roots and proofs of the tiled log at any size up to its current one, read from stored tiles:
// a proof is O(log n) perfect subtrees, each one tile away (tiles.ts). Tiles left of the right
// edge are full and immutable, so they are cached (a bounded LRU of expanded tiles); the right
// edge comes from memory.
import { type Hash, type Node, consistencyRanges, foldRange, inclusionRanges, rangeNodes } from './merkle.ts';
import { TILE_HEIGHT, type TreeEdge, expandTile, expandedNode, locate } from './tiles.ts';

export interface TileCoord {
  level: number;
  index: number;
}

/** Full tiles as stored; rejects, naming the tile, when one is missing or incomplete. */
export interface TileSource {
  fullTiles(coords: TileCoord[]): Promise<Buffer[]>;
}

/** Indices proved per round: bounds the tiles a call holds at once (≤ ~4 per index, 16 KiB each expanded). */
const CHUNK = 256;

export class TileLog {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    /** the committed right edge (it is replaced, never mutated, as the log grows) */
    private readonly edge: () => TreeEdge,
    private readonly source: TileSource,
    private readonly cacheTiles = 256,
    readonly height = TILE_HEIGHT,
  ) {}

  get size(): number {
    return this.edge().size;
  }

  async root(size: number): Promise<Hash> {
    const edge = this.edge();
    this.checkSize(size, edge);
    if (size === edge.size) return edge.root();
    return foldRange(await this.nodes(rangeNodes(0, size), edge));
  }

  /** Inclusion proofs (RFC 9162 §2.1.3.1) of several leaves in the tree of `size` leaves. */
  async inclusionProofs(indices: number[], size: number): Promise<Hash[][]> {
    const edge = this.edge();
    this.checkSize(size, edge);
    const out: Hash[][] = [];
    for (let i = 0; i < indices.length; i += CHUNK) {
      const ranges = indices.slice(i, i + CHUNK).map((m) => inclusionRanges(m, size));
      out.push(...(await this.ranges(ranges, edge)));
    }
    return out;
  }

  /** Consistency proof (RFC 9162 §2.1.4.1) from the tree of m leaves to the tree of n. */
  async consistencyProof(m: number, n: number): Promise<Hash[]> {
    const edge = this.edge();
    this.checkSize(n, edge);
    return (await this.ranges([consistencyRanges(m, n)], edge))[0]!;
  }

  /** Each proof's ranges folded into hashes, with one read of the tiles they need. */
  private async ranges(proofs: [number, number][][], edge: TreeEdge): Promise<Hash[][]> {
    const split = proofs.map((ranges) => ranges.map(([lo, hi]) => rangeNodes(lo, hi)));
    const hashes = await this.nodes(split.flat(2), edge);
    let k = 0;
    return split.map((ranges) => ranges.map((nodes) => foldRange(nodes.map(() => hashes[k++]!))));
  }

  /** Hashes of perfect subtrees, all complete at the edge's size. */
  private async nodes(nodes: Node[], edge: TreeEdge): Promise<Hash[]> {
    const tiles = new Map<string, Buffer>();
    const missing = new Map<string, TileCoord>();
    for (const n of nodes) {
      if (edge.holds(n)) continue;
      const { level, index } = locate(n, this.height);
      const key = `${level}/${index}`;
      const hit = tiles.get(key) ?? this.cached(key);
      if (hit) tiles.set(key, hit);
      else missing.set(key, { level, index });
    }
    if (missing.size > 0) {
      const coords = [...missing.values()];
      const read = await this.source.fullTiles(coords);
      coords.forEach((c, i) => {
        const expanded = expandTile(read[i]!, this.height);
        tiles.set(`${c.level}/${c.index}`, expanded);
        this.remember(`${c.level}/${c.index}`, expanded);
      });
    }
    return nodes.map((n) => {
      if (edge.holds(n)) return edge.node(n);
      const at = locate(n, this.height);
      return expandedNode(tiles.get(`${at.level}/${at.index}`)!, at.offset, at.span, this.height);
    });
  }

  private cached(key: string): Buffer | undefined {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private remember(key: string, expanded: Buffer): void {
    this.cache.set(key, expanded);
    while (this.cache.size > this.cacheTiles) this.cache.delete(this.cache.keys().next().value!);
  }

  private checkSize(size: number, edge: TreeEdge): void {
    if (!(Number.isSafeInteger(size) && size >= 0 && size <= edge.size)) throw new RangeError(`tree size ${size} is not in 0..${edge.size}`);
  }
}
