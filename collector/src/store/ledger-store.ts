// The ledger as stored: every row inserted into `spans` or `logs` becomes a leaf of the collector's
// Merkle log (ledger_leaves), in insertion order, before the spool mark moves past it; signed
// checkpoints are appended every few seconds. At start the log is rebuilt from ledger_leaves
// and must match the last checkpoint this key signed, or the collector refuses to start.
import { type Checkpoint, type LogKey, logIdOf, openCheckpoint, signCheckpoint, verifierKey } from '../ledger/checkpoint.ts';
import { MerkleLog } from '../ledger/merkle.ts';
import type { ClickHouse } from './clickhouse.ts';
import type { RowRef } from '../format/row-line.ts';

export interface SignedCheckpoint extends Checkpoint {
  note: string;
}

export class LedgerStore {
  private latest: SignedCheckpoint | undefined;

  private constructor(
    private readonly ch: ClickHouse,
    readonly key: LogKey,
    readonly logId: string,
    readonly log: MerkleLog,
  ) {}

  static async open(ch: ClickHouse, key: LogKey): Promise<LedgerStore> {
    const logId = logIdOf(key);
    const log = new MerkleLog();
    const leaves = await query<{ leaf_index: string; leaf_hash: string }>(
      ch,
      `SELECT leaf_index, leaf_hash FROM ${ch.database}.ledger_leaves WHERE log_id = {logId:String}
       ORDER BY leaf_index LIMIT 1 BY leaf_index, leaf_hash`,
      { logId },
    );
    for (const l of leaves) {
      if (Number(l.leaf_index) !== log.size) {
        throw new Error(`ledger integrity: leaf ${log.size} of log ${logId} is ${Number(l.leaf_index) < log.size ? 'stored twice with different hashes' : 'missing'}; run \`causeway verify\``);
      }
      log.append(Buffer.from(l.leaf_hash, 'hex'));
    }
    const ledger = new LedgerStore(ch, key, logId, log);
    const last = await ledger.lastStoredCheckpoint();
    if (last) {
      const c = openCheckpoint(last.note, key.name, key.publicKey);
      if (c.size > BigInt(log.size) || !log.root(Number(c.size)).equals(c.root)) {
        throw new Error(`ledger integrity: the stored leaves do not match checkpoint ${c.size} signed by this log; run \`causeway verify\``);
      }
      ledger.latest = { ...c, note: last.note };
    }
    return ledger;
  }

  get verifierKey(): string {
    return verifierKey(this.key.name, this.key.publicKey);
  }

  /** Appends the rows just inserted into `table` as leaves; the log grows only once they are stored. */
  async record(rows: RowRef[], table: string): Promise<void> {
    if (rows.length === 0) return;
    const first = this.log.size;
    // Written as a template: ids and hashes are hex (rowRefs checked them), only the tenant needs quoting.
    const head = `{"log_id":${JSON.stringify(this.logId)},"leaf_index":"`;
    const tbl = `","tbl":${JSON.stringify(table)},"tenant":`;
    let text = '';
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      text += `${head}${first + i}","leaf_hash":"${r.row_hash}${tbl}${JSON.stringify(r.tenant)},"trace_id":"${r.trace_id}","span_id":"${r.span_id}"}\n`;
    }
    await this.ch.insertJsonEachRow('ledger_leaves', [Buffer.from(text)], {});
    for (const r of rows) this.log.append(Buffer.from(r.row_hash, 'hex'));
  }

  /** Signs and stores a checkpoint if the log grew since the last one. */
  async checkpoint(): Promise<SignedCheckpoint | undefined> {
    const size = this.log.size;
    if (size === 0 || (this.latest && this.latest.size === BigInt(size))) return this.latest;
    const c: Checkpoint = { origin: this.key.name, size: BigInt(size), root: this.log.root(size) };
    const note = signCheckpoint(c, this.key);
    await this.ch.insertJsonEachRow(
      'checkpoints',
      [Buffer.from(`${JSON.stringify({ log_id: this.logId, tree_size: String(size), root_hash: c.root.toString('hex'), note })}\n`)],
      {},
    );
    this.latest = { ...c, note };
    return this.latest;
  }

  get latestCheckpoint(): SignedCheckpoint | undefined {
    return this.latest;
  }

  /** Leaf indices of a stored row (a row re-sent after a crash can be in the log twice). */
  async leafIndices(traceId: string, spanId: string): Promise<{ leaf_index: number; leaf_hash: string }[]> {
    const rows = await query<{ leaf_index: string; leaf_hash: string }>(
      this.ch,
      `SELECT leaf_index, leaf_hash FROM ${this.ch.database}.ledger_leaves
       WHERE log_id = {logId:String} AND trace_id = {traceId:String} AND span_id = {spanId:String} ORDER BY leaf_index`,
      { logId: this.logId, traceId, spanId },
    );
    return rows.map((r) => ({ leaf_index: Number(r.leaf_index), leaf_hash: r.leaf_hash }));
  }

  private async lastStoredCheckpoint(): Promise<{ note: string } | undefined> {
    const rows = await query<{ note: string }>(
      this.ch,
      `SELECT note FROM ${this.ch.database}.checkpoints WHERE log_id = {logId:String} ORDER BY tree_size DESC LIMIT 1`,
      { logId: this.logId },
    );
    return rows[0];
  }
}

async function query<T>(ch: ClickHouse, q: string, params: Record<string, unknown>): Promise<T[]> {
  return ch.query<T>(q, params);
}

// Moved verbatim from bundle/export.ts (no SQL outside store/); the ledger's owner may fold them into LedgerStore.

/** The first leaf index of each of these leaf hashes in the log. */
export async function firstLeafIndices(ch: ClickHouse, logId: string, hashes: string[]): Promise<Map<string, number>> {
  const rows = await ch.query<{ leaf_hash: string; i: string }>(
    `SELECT leaf_hash, min(leaf_index) AS i FROM ${ch.database}.ledger_leaves
     WHERE log_id = {logId:String} AND leaf_hash IN {hashes:Array(String)} GROUP BY leaf_hash`,
    { logId, hashes },
  );
  return new Map(rows.map((r) => [r.leaf_hash, Number(r.i)]));
}

/** The size of the newest stored checkpoint smaller than `size` (0 if none). */
export async function previousCheckpointSize(ch: ClickHouse, logId: string, size: number): Promise<number> {
  const rows = await ch.query<{ s: string }>(`SELECT max(tree_size) AS s FROM ${ch.database}.checkpoints WHERE log_id = {logId:String} AND tree_size < {size:UInt64}`, { logId, size });
  return Number(rows[0]?.s ?? 0);
}

/** The ledger lookups an evidence bundle needs, bound to the store's database. */
export interface LedgerIndex {
  firstLeafIndices(logId: string, hashes: string[]): Promise<Map<string, number>>;
  previousCheckpointSize(logId: string, size: number): Promise<number>;
}

export function ledgerIndex(ch: ClickHouse): LedgerIndex {
  return {
    firstLeafIndices: (logId, hashes) => firstLeafIndices(ch, logId, hashes),
    previousCheckpointSize: (logId, size) => previousCheckpointSize(ch, logId, size),
  };
}
