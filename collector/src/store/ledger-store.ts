// The ledger as stored: every row inserted into a spooled table (spans, logs, provenance) is a
// leaf of the collector's Merkle log, in insertion order, stored before the spool mark moves
// past it (ledger_entries); the tree above the leaves is stored as C2SP tiles (ledger_tiles);
// signed checkpoints are appended every few seconds. Only the right edge of the tree is in
// memory. At start the right edge is read back (a few point reads) and must recompute the root
// of the newest checkpoint this key signed, or the collector refuses to start.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Checkpoint, type LogKey, logIdOf, openCheckpoint, signCheckpoint, verifierKey } from '../ledger/checkpoint.ts';
import { TILE_HEIGHT, type TileRow, type TreeEdge, appendInSlices } from '../ledger/tiles.ts';
import { type TileCoord, TileLog } from '../ledger/tile-log.ts';
import type { ClickHouse } from './clickhouse.ts';
import { type LedgerBatch, entriesOf } from './ledger-entries.ts';
import { upgradeFromLeaves } from './ledger-upgrade.ts';
import { LEDGER_INSERT_SETTINGS, LedgerIntegrityError, StoredTiles } from './ledger-tiles.ts';

export interface SignedCheckpoint extends Checkpoint {
  note: string;
}

export interface LedgerOptions {
  /** holds a copy of the newest signed checkpoint, outside ClickHouse */
  dataDir: string;
  log: (msg: string) => void;
}

export interface LeafRef {
  leafIndex: number;
  /** hex */
  leafHash: string;
  table: string;
  tenant: string;
}

const W = 2 ** TILE_HEIGHT;

/** Leaves hashed into the tree between two turns of the event loop. */
const APPEND_SLICE = 4096;

export class LedgerStore {
  readonly log: TileLog;
  private edge: TreeEdge;
  private latest: SignedCheckpoint | undefined;
  /** full tiles above level 0 whose rows are not stored yet (proofs read them from here) */
  private readonly pendingTiles = new Map<string, Buffer>();
  private unsaved: TileRow[] = [];
  private saving: Promise<void> = Promise.resolve();
  private signing: Promise<SignedCheckpoint | undefined> = Promise.resolve(undefined);
  /** a leaf insert failed: it may have landed all the same, so the edge is read back before the next append */
  private stale = false;

  private constructor(
    private readonly ch: ClickHouse,
    readonly key: LogKey,
    readonly logId: string,
    private readonly stored: StoredTiles,
    edge: TreeEdge,
    private readonly opts: LedgerOptions,
  ) {
    this.edge = edge;
    this.log = new TileLog(() => this.edge, { fullTiles: (c) => this.fullTiles(c) });
  }

  static async open(ch: ClickHouse, key: LogKey, opts: LedgerOptions): Promise<LedgerStore> {
    const logId = logIdOf(key);
    const stored = new StoredTiles(ch, logId);
    await upgradeFromLeaves(ch, stored, opts.log);
    const size = await stored.size();
    const ledger = new LedgerStore(ch, key, logId, stored, await stored.edge(size, opts.log), opts);
    await ledger.checkAgainstCheckpoint();
    return ledger;
  }

  get size(): number {
    return this.edge.size;
  }

  get verifierKey(): string {
    return verifierKey(this.key.name, this.key.publicKey);
  }

  get latestCheckpoint(): SignedCheckpoint | undefined {
    return this.latest;
  }

  /**
   * Appends the rows just inserted (the batch's payloads, table by table) as leaves: one insert
   * of their entries; the tiles they complete are stored after it, off the writer's path (tiles
   * lagging the leaves are recomputed at start).
   */
  async append(batch: LedgerBatch[]): Promise<void> {
    if (this.stale) await this.reload();
    const entries = entriesOf(batch, this.logId, this.edge.size);
    if (entries.count === 0) return;
    const next = this.edge.clone();
    const rows = await appendInSlices(next, entries.leaves, APPEND_SLICE, () => new Promise<void>((r) => setImmediate(r)));
    try {
      await this.ch.insertJsonEachRow('ledger_entries', [entries.tsv], LEDGER_INSERT_SETTINGS, 'TabSeparatedWithNames');
    } catch (e) {
      this.stale = true;
      throw e;
    }
    this.edge = next;
    for (const r of rows) if (r.width === W) this.pendingTiles.set(`${r.level}/${r.index}`, r.hashes);
    this.unsaved.push(...rows);
    this.saving = this.saving.then(() => this.saveTiles());
  }

  /** Signs and stores a checkpoint if the log grew since the last one. */
  checkpoint(): Promise<SignedCheckpoint | undefined> {
    this.signing = this.signing.catch(() => undefined).then(() => this.sign());
    return this.signing;
  }

  /** Waits for tile rows still being stored. */
  async close(): Promise<void> {
    await this.saving;
    if (this.unsaved.length > 0) await this.saveTiles();
  }

  /**
   * A tile as c2sp.org/tlog-tiles serves it: its first `width` hashes (256: the full tile), or
   * undefined if the log has no such tile yet.
   */
  async tile(level: number, index: number, width: number): Promise<Buffer | undefined> {
    const edge = this.edge;
    if (!(Number.isSafeInteger(level) && Number.isSafeInteger(index) && level >= 0 && index >= 0 && width >= 1 && width <= W)) return undefined;
    if (index === edge.tileIndex(level)) {
      const partial = edge.partial(level);
      return width * 32 <= partial.length ? Buffer.from(partial.subarray(0, width * 32)) : undefined;
    }
    if (index > edge.tileIndex(level) || level >= Math.max(1, edge.tileLevels())) return undefined;
    const [full] = await this.fullTiles([{ level, index }]);
    return full!.subarray(0, width * 32);
  }

  /** Leaves of a span's rows (its span row, and provenance rows read from it); a row re-sent after a crash can be in the log twice. */
  async leavesOf(traceId: string, spanId: string): Promise<LeafRef[]> {
    const rows = await this.query<{ i: string; h: string; tbl: string; tenant: string }>(
      `SELECT leaf_index AS i, lower(hex(leaf_hash)) AS h, tbl, tenant FROM ${this.ch.database}.ledger_entries
       WHERE log_id = {logId:String} AND trace_id = unhex({traceId:String}) AND span_id = unhex({spanId:String}) ORDER BY leaf_index`,
      { traceId, spanId },
    );
    return rows.map((r) => ({ leafIndex: Number(r.i), leafHash: r.h, table: r.tbl, tenant: r.tenant }));
  }

  /** The first leaf of each row hash (hex), looked up among the leaves of the given traces. */
  async firstLeafIndices(hashes: string[], traceIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < hashes.length; i += 10_000) {
      const rows = await this.query<{ h: string; i: string }>(
        `SELECT lower(hex(leaf_hash)) AS h, min(leaf_index) AS i FROM ${this.ch.database}.ledger_entries
         WHERE log_id = {logId:String} AND trace_id IN (SELECT toFixedString(unhex(arrayJoin({traceIds:Array(String)})), 16))
           AND leaf_hash IN (SELECT toFixedString(unhex(arrayJoin({hashes:Array(String)})), 32))
         GROUP BY leaf_hash`,
        { traceIds, hashes: hashes.slice(i, i + 10_000) },
      );
      for (const r of rows) out.set(r.h, Number(r.i));
    }
    return out;
  }

  /** The size of the newest checkpoint of this log below `size` (0 if none). */
  async previousCheckpointSize(size: number): Promise<number> {
    const rows = await this.query<{ s: string }>(
      `SELECT max(tree_size) AS s FROM ${this.ch.database}.checkpoints WHERE log_id = {logId:String} AND tree_size < {size:UInt64}`,
      { size },
    );
    return Number(rows[0]?.s ?? 0);
  }

  private async sign(): Promise<SignedCheckpoint | undefined> {
    const edge = this.edge;
    const size = edge.size;
    if (size === 0 || (this.latest && this.latest.size === BigInt(size))) return this.latest;
    const c: Checkpoint = { origin: this.key.name, size: BigInt(size), root: edge.root() };
    const note = signCheckpoint(c, this.key);
    await this.ch.insertJsonEachRow(
      'checkpoints',
      [Buffer.from(`${JSON.stringify({ log_id: this.logId, tree_size: String(size), root_hash: c.root.toString('hex'), note })}\n`)],
      {},
    );
    // A copy outside ClickHouse: a store rolled back behind it is noticed at the next start.
    const dir = join(this.opts.dataDir, 'ledger');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(`${this.localCheckpointFile()}.tmp`, note, { mode: 0o600 });
    renameSync(`${this.localCheckpointFile()}.tmp`, this.localCheckpointFile());
    if (!this.latest || this.latest.size < c.size) this.latest = { ...c, note };
    return this.latest;
  }

  private localCheckpointFile(): string {
    return join(this.opts.dataDir, 'ledger', `${this.logId}.checkpoint`);
  }

  /**
   * The newest checkpoint this key signed (in ClickHouse or in the data dir, whichever is newer)
   * must be the root of the stored tiles at its size: that proves the right edge the log goes on
   * from, without reading every leaf. Leaves after it (a crash before the next checkpoint) are
   * signed at the next checkpoint.
   */
  private async checkAgainstCheckpoint(): Promise<void> {
    const [row] = await this.query<{ note: string }>(
      `SELECT note FROM ${this.ch.database}.checkpoints WHERE log_id = {logId:String} ORDER BY tree_size DESC LIMIT 1`,
    );
    const open = (note: string, where: string): SignedCheckpoint => {
      try {
        return { ...openCheckpoint(note, this.key.name, this.key.publicKey), note };
      } catch (e) {
        throw new LedgerIntegrityError(`the newest checkpoint ${where} does not open with this log's key (${(e as Error).message})`);
      }
    };
    const stored = row ? open(row.note, 'in ClickHouse') : undefined;
    let local: SignedCheckpoint | undefined;
    try {
      local = open(readFileSync(this.localCheckpointFile(), 'utf8'), `in ${this.localCheckpointFile()}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (local && (!stored || local.size > stored.size)) {
      throw new LedgerIntegrityError(
        `this log signed checkpoint ${local.size} (kept in ${this.localCheckpointFile()}), but the newest in ClickHouse is ${stored?.size ?? 'none'}: ` +
          `signed history was removed from the store (if the store was replaced on purpose, move that file away)`,
      );
    }
    if (local && stored && local.size === stored.size && !local.root.equals(stored.root)) {
      throw new LedgerIntegrityError(`checkpoint ${local.size} in ClickHouse and in ${this.localCheckpointFile()} have different roots`);
    }
    const c = stored;
    if (!c) return;
    if (c.size > BigInt(this.edge.size)) throw new LedgerIntegrityError(`leaf ${this.edge.size} of log ${this.logId} is missing (checkpoint ${c.size} was signed)`);
    const root = await this.log.root(Number(c.size)).catch((e: Error) => {
      throw e instanceof LedgerIntegrityError ? e : new LedgerIntegrityError(`the tiles at checkpoint ${c.size} cannot be read (${e.message})`);
    });
    if (!root.equals(c.root)) throw new LedgerIntegrityError(`the stored tiles do not match checkpoint ${c.size} signed by this log`);
    this.latest = c;
    if (BigInt(this.edge.size) > c.size) this.opts.log(`ledger: ${BigInt(this.edge.size) - c.size} leaves were stored after the last signed checkpoint (${c.size}); the next checkpoint signs them`);
  }

  /** After a failed insert: the stored edge, which must extend the one in memory. */
  private async reload(): Promise<void> {
    await this.saving;
    const size = await this.stored.size();
    if (size < this.edge.size) throw new LedgerIntegrityError(`${this.edge.size - size} leaves of log ${this.logId} disappeared from the store`);
    if (size > this.edge.size) {
      const before = this.edge;
      this.edge = await this.stored.edge(size, this.opts.log);
      const root = await this.log.root(before.size);
      if (!root.equals(before.root())) {
        this.edge = before;
        throw new LedgerIntegrityError(`the stored log no longer extends the tree of ${before.size} leaves this collector appended`);
      }
      this.opts.log(`ledger: an insert that reported failure stored ${size - before.size} leaves all the same; its rows are appended again`);
    }
    this.stale = false;
  }

  private async saveTiles(): Promise<void> {
    const rows = this.unsaved.splice(0);
    if (rows.length === 0) return;
    try {
      await this.stored.insertTiles(rows);
      for (const r of rows) if (r.width === W) this.pendingTiles.delete(`${r.level}/${r.index}`);
    } catch (e) {
      this.unsaved.unshift(...rows);
      this.opts.log(`ledger: storing ${rows.length} tile row(s) failed, retried with the next batch: ${(e as Error).message.slice(0, 300)}`);
    }
  }

  private async fullTiles(coords: TileCoord[]): Promise<Buffer[]> {
    const byLevel = new Map<number, number[]>();
    for (const c of coords) if (!this.pendingTiles.has(`${c.level}/${c.index}`)) (byLevel.get(c.level) ?? byLevel.set(c.level, []).get(c.level)!).push(c.index);
    const read = new Map<string, Buffer>();
    for (const [level, indices] of byLevel) {
      const tiles = level === 0 ? await this.stored.leafTiles(indices) : await this.stored.tiles(level, indices);
      for (const [i, t] of tiles) read.set(`${level}/${i}`, t);
    }
    return coords.map(({ level, index }) => {
      const t = this.pendingTiles.get(`${level}/${index}`) ?? read.get(`${level}/${index}`);
      if (!t || t.length !== W * 32) throw new LedgerIntegrityError(`tile ${level}/${index} of log ${this.logId} is not stored in full`);
      return t;
    });
  }

  private query<T>(q: string, params: Record<string, unknown> = {}): Promise<T[]> {
    return this.ch.query<T>(q, { logId: this.logId, ...params });
  }
}
