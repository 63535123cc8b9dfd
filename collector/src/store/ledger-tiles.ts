// Stored tiles of a log: level 0 from ledger_entries (the leaves), levels above from
// ledger_tiles. Reads check what they read (no gap, no index or width stored twice with
// different hashes) and say where the stored log is broken; the right edge loads in a few
// point reads whatever the size of the log.
import { TILE_HEIGHT, type TileRow, TreeEdge, perfectRoot } from '../ledger/tiles.ts';
import type { ClickHouse } from './clickhouse.ts';
import { TsvWriter } from './ledger-entries.ts';

const W = 2 ** TILE_HEIGHT;
const TILE_HEADER = Buffer.from('log_id\tlevel\tidx\twidth\thashes\n');

/** A column the header names that the table lacks is an error, not a row of defaults. */
export const LEDGER_INSERT_SETTINGS = { input_format_skip_unknown_fields: 0, input_format_with_names_use_header: 1 } as const;

export class LedgerIntegrityError extends Error {
  constructor(message: string) {
    super(`ledger integrity: ${message}; run \`causeway verify\``);
  }
}

/** Adds a stored row of a tile (its entries up to `width`); a width stored twice must hold the same hashes. */
export function addPiece(pieces: Map<number, Buffer>, width: number, hashes: Buffer, what: string): void {
  const seen = pieces.get(width);
  if (seen && !seen.equals(hashes)) throw new LedgerIntegrityError(`${what} is stored twice with different hashes (width ${width})`);
  pieces.set(width, hashes);
}

/** A tile from its rows: walking back from the widest, each row's first entry is where the one before it ended. */
export function assembleTile(pieces: Map<number, Buffer>, what: string): Buffer {
  const parts: Buffer[] = [];
  let width = Math.max(...pieces.keys());
  while (width > 0) {
    const piece = pieces.get(width);
    if (!piece || piece.length === 0 || piece.length % 32 !== 0 || piece.length / 32 > width) throw new LedgerIntegrityError(`${what} misses entries before ${width}`);
    parts.unshift(piece);
    width -= piece.length / 32;
  }
  return Buffer.concat(parts);
}

export class StoredTiles {
  constructor(
    private readonly ch: ClickHouse,
    readonly logId: string,
  ) {}

  /** Leaves stored: one past the highest leaf index (read from the end of the primary key). */
  async size(): Promise<number> {
    const rows = await this.query<{ i: string }>(
      `SELECT leaf_index AS i FROM ${this.ch.database}.ledger_entries WHERE log_id = {logId:String} ORDER BY leaf_index DESC LIMIT 1`,
    );
    return rows.length === 0 ? 0 : Number(rows[0]!.i) + 1;
  }

  /** Leaf hashes [lo, hi), packed; every one present once (or repeated identically). */
  async leaves(lo: number, hi: number): Promise<Buffer> {
    if (hi <= lo) return Buffer.alloc(0);
    const rows = await this.query<{ i: string; h: string }>(
      `SELECT leaf_index AS i, hex(leaf_hash) AS h FROM ${this.ch.database}.ledger_entries
       WHERE log_id = {logId:String} AND leaf_index >= {lo:UInt64} AND leaf_index < {hi:UInt64} ORDER BY leaf_index`,
      { lo, hi },
    );
    return this.pack(rows, lo, hi);
  }

  /** Full level-0 tiles (256 leaves each), by tile index. */
  async leafTiles(indices: number[]): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    if (indices.length === 0) return out;
    const rows = await this.query<{ i: string; h: string }>(
      `SELECT leaf_index AS i, hex(leaf_hash) AS h FROM ${this.ch.database}.ledger_entries
       WHERE log_id = {logId:String} AND intDiv(leaf_index, ${W}) IN {tiles:Array(UInt64)} ORDER BY leaf_index`,
      { tiles: indices },
    );
    const byTile = new Map<number, { i: string; h: string }[]>();
    for (const r of rows) {
      const t = Math.floor(Number(r.i) / W);
      (byTile.get(t) ?? byTile.set(t, []).get(t)!).push(r);
    }
    for (const t of indices) out.set(t, this.pack(byTile.get(t) ?? [], t * W, t * W + W));
    return out;
  }

  /** Tiles above level 0 as stored, assembled from their rows (entries [0, width) of each). */
  async tiles(level: number, indices: number[]): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    if (indices.length === 0) return out;
    const rows = await this.query<{ idx: string; width: string; h: string }>(
      `SELECT idx, width, hex(hashes) AS h FROM ${this.ch.database}.ledger_tiles
       WHERE log_id = {logId:String} AND level = {level:UInt8} AND idx IN {indices:Array(UInt64)} ORDER BY idx, width`,
      { level, indices },
    );
    const byTile = new Map<number, Map<number, Buffer>>();
    for (const r of rows) {
      const idx = Number(r.idx);
      addPiece(byTile.get(idx) ?? byTile.set(idx, new Map()).get(idx)!, Number(r.width), Buffer.from(r.h, 'hex'), `tile ${level}/${idx} of log ${this.logId}`);
    }
    for (const idx of indices) {
      const pieces = byTile.get(idx);
      if (pieces) out.set(idx, assembleTile(pieces, `tile ${level}/${idx} of log ${this.logId}`));
    }
    return out;
  }

  /** Entries stored at a tile level: from the end of the primary key. */
  async levelWidth(level: number): Promise<number> {
    const rows = await this.query<{ idx: string; width: string }>(
      `SELECT idx, width FROM ${this.ch.database}.ledger_tiles WHERE log_id = {logId:String} AND level = {level:UInt8} ORDER BY idx DESC, width DESC LIMIT 1`,
      { level },
    );
    return rows.length === 0 ? 0 : Number(rows[0]!.idx) * W + Number(rows[0]!.width);
  }

  async insertTiles(rows: TileRow[]): Promise<void> {
    if (rows.length === 0) return;
    const out = new TsvWriter(64 + rows.reduce((n, r) => n + 2 * r.hashes.length + this.logId.length + 48, 0));
    out.raw(TILE_HEADER);
    for (const r of rows) {
      for (const v of [this.logId, String(r.level), String(r.index), String(r.width)]) {
        out.text(v);
        out.tab();
      }
      out.bytes(r.hashes);
      out.newline();
    }
    await this.ch.insertJsonEachRow('ledger_tiles', [out.done()], LEDGER_INSERT_SETTINGS, 'TabSeparatedWithNames');
  }

  /**
   * The right edge of the stored tree: the partial tile of each level. Tiles written after the
   * leaves they come from may lag behind them (a crash between the two inserts): the missing
   * entries are recomputed from the full tiles below and stored.
   */
  async edge(size: number, log: (msg: string) => void): Promise<TreeEdge> {
    const partials: Buffer[] = [await this.leaves(Math.floor(size / W) * W, size)];
    for (let L = 1; Math.floor(size / W ** L) > 0; L++) {
      const want = Math.floor(size / W ** L); // entries of level L in a tree of `size`
      const have = await this.levelWidth(L);
      if (have > want) throw new LedgerIntegrityError(`level ${L} tiles of log ${this.logId} cover ${have * W ** L} leaves but only ${size} are stored`);
      if (have < want) await this.repair(L, have, want, log);
      const index = Math.floor(want / W);
      const count = want % W;
      const tile = count === 0 ? Buffer.alloc(0) : (await this.tiles(L, [index])).get(index);
      if (!tile || tile.length < count * 32) throw new LedgerIntegrityError(`tile ${L}/${index} of log ${this.logId} has fewer than ${count} entries`);
      partials.push(tile.subarray(0, count * 32));
    }
    return TreeEdge.fromTiles(size, partials);
  }

  /** Stores entries [from, to) of tile level L, computed from the full tiles of level L−1. */
  private async repair(L: number, from: number, to: number, log: (msg: string) => void): Promise<void> {
    log(`ledger: level ${L} tiles lag the leaves by ${to - from} entries (a crash between two inserts); recomputing them`);
    const below = Array.from({ length: to - from }, (_, i) => from + i);
    for (let i = 0; i < below.length; i += 256) {
      const chunk = below.slice(i, i + 256);
      const rows: TileRow[] = [];
      const tiles = L === 1 ? await this.leafTiles(chunk) : await this.fullTilesAt(L - 1, chunk);
      const roots = Buffer.concat(chunk.map((t) => perfectRoot(tiles.get(t)!, 0, W)));
      // entries chunk[0] … of level L, split at tile boundaries; a tile that fills is written whole
      let at = 0;
      while (at < chunk.length) {
        const entry = chunk[at]!;
        const index = Math.floor(entry / W);
        const end = Math.min(chunk.length, at + (W - (entry % W)));
        const width = (chunk[end - 1]! % W) + 1;
        const piece = roots.subarray(at * 32, end * 32);
        if (width === W && entry % W !== 0) {
          const before = (await this.tiles(L, [index])).get(index) ?? Buffer.alloc(0);
          rows.push({ level: L, index, width, hashes: Buffer.concat([before.subarray(0, (entry % W) * 32), piece]) });
        } else rows.push({ level: L, index, width, hashes: Buffer.from(piece) });
        at = end;
      }
      // stored before the next chunk, which may complete a tile this one began
      await this.insertTiles(rows);
    }
  }

  private async fullTilesAt(level: number, indices: number[]): Promise<Map<number, Buffer>> {
    const tiles = await this.tiles(level, indices);
    for (const i of indices) if ((tiles.get(i)?.length ?? 0) < W * 32) throw new LedgerIntegrityError(`tile ${level}/${i} of log ${this.logId} is not full`);
    return tiles;
  }

  /** Rows of leaf hashes for [lo, hi) into one buffer: repeats must agree, none may be missing. */
  private pack(rows: { i: string; h: string }[], lo: number, hi: number): Buffer {
    const out = Buffer.alloc((hi - lo) * 32);
    const seen = new Uint8Array(hi - lo);
    for (const r of rows) {
      const k = Number(r.i) - lo;
      const h = Buffer.from(r.h, 'hex');
      if (seen[k]) {
        if (!h.equals(out.subarray(k * 32, k * 32 + 32))) throw new LedgerIntegrityError(`leaf ${lo + k} of log ${this.logId} is stored twice with different hashes`);
        continue;
      }
      h.copy(out, k * 32);
      seen[k] = 1;
    }
    const gap = seen.indexOf(0);
    if (gap >= 0) throw new LedgerIntegrityError(`leaf ${lo + gap} of log ${this.logId} is missing`);
    return out;
  }

  private query<T>(q: string, params: Record<string, unknown> = {}): Promise<T[]> {
    return this.ch.query<T>(q, { logId: this.logId, ...params });
  }
}
