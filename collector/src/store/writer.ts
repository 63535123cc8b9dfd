// Batching writer: spooled requests are inserted into ClickHouse as large JSONEachRow inserts
// (flushed by rows, bytes or age), one insert at a time, in spool order. A failed insert is
// retried with backoff; while ClickHouse is down the spool keeps every acknowledged row.
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouse } from './clickhouse.ts';
import { insertErrorSummary } from './insert-error.ts';
import { HASH_FREE_TABLES, withoutRowHash } from './insert-lines.ts';
import { SPOOL_TABLES, type Spool, type SpoolRecord, type SpoolTable } from './spool.ts';

export interface WriterOptions {
  maxBatchRows: number;
  maxBatchBytes: number;
  flushIntervalMs: number;
  /** beyond this many queued bytes the receiver answers 429 */
  maxPendingBytes: number;
  log: (msg: string) => void;
  /** runs after a batch's rows are in ClickHouse and before the spool mark moves past them (the ledger) */
  onInserted?: (batch: { table: SpoolTable; payloads: Buffer[] }[]) => Promise<void>;
}

export interface WriterStats {
  pendingRows: number;
  pendingBytes: number;
  insertedRows: number;
  inserts: number;
  /** rows set aside in spool/dead-letter (those already there at start included): an operator must look */
  deadLettered: number;
  lastError?: string;
}

const MAX_BACKOFF_MS = 5000;
/** the largest join buffer kept per table (larger batches get a buffer of their own) */
const MAX_KEPT_JOIN_BYTES = 8 << 20;

export const INSERT_SETTINGS = {
  // A client's odd timestamps (rows spread over many months) must never make an acknowledged insert fail.
  max_partitions_per_insert_block: '0',
  async_insert: 0,
  input_format_skip_unknown_fields: 0,
} as const;

export class SpanWriter {
  private queue: SpoolRecord[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  /** callers waiting for one record to be inserted (rare: a finding's status event) */
  private recordWaiters = new Map<SpoolRecord, () => void>();
  /** per table, the buffer its payloads are joined in for an insert (joined()) */
  private readonly joinBuffers = new Map<SpoolTable, Buffer>();
  readonly stats: WriterStats = { pendingRows: 0, pendingBytes: 0, insertedRows: 0, inserts: 0, deadLettered: 0 };

  constructor(
    private readonly ch: ClickHouse,
    private readonly spool: Spool,
    private readonly opts: WriterOptions,
  ) {
    this.stats.deadLettered = deadLetterRows(join(spool.dir, 'dead-letter'));
  }

  get accepting(): boolean {
    return this.stats.pendingBytes < this.opts.maxPendingBytes;
  }

  enqueue(records: SpoolRecord[]): void {
    for (const r of records) {
      this.queue.push(r);
      this.stats.pendingRows += r.rows;
      this.stats.pendingBytes += r.payload.length;
    }
    if (this.stats.pendingRows >= this.opts.maxBatchRows || this.stats.pendingBytes >= this.opts.maxBatchBytes) this.kick(0);
    else this.kick(this.opts.flushIntervalMs);
  }

  /** Resolves once this record's rows are in ClickHouse and the log (or were set aside). */
  inserted(record: SpoolRecord): Promise<void> {
    if (this.queue.indexOf(record, this.head) < 0) return Promise.resolve();
    return new Promise((r) => this.recordWaiters.set(record, r));
  }

  /** Resolves when everything queued so far is in ClickHouse. */
  drain(): Promise<void> {
    if (this.stats.pendingRows === 0 && !this.running) return Promise.resolve();
    this.kick(0);
    return new Promise((r) => this.idleWaiters.push(r));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }

  private kick(delay: number): void {
    if (this.running || this.stopped) return;
    if (this.timer) {
      if (delay > 0) return; // a flush is already scheduled
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delay);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let failures = 0;
    try {
      while (this.head < this.queue.length && !this.stopped) {
        const batch = this.take();
        try {
          await this.insert(batch);
          failures = 0;
          this.stats.lastError = undefined;
          this.done(batch);
        } catch (e) {
          failures++;
          this.stats.lastError = insertErrorSummary(e);
          this.opts.log(`insert of ${batch.length} request(s) failed (attempt ${failures}): ${(e as Error).message.slice(0, 500)}`);
          // ClickHouse answers but refuses this batch: find the request it chokes on. (Not when
          // the rows went in and their ledger leaves did not: that is no reason to set rows aside.)
          if (failures >= 3 && !(e instanceof LedgerAppendError) && (await this.healthy()) && (await this.isolate(batch))) {
            failures = 0;
            continue;
          }
          await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures));
        }
      }
    } finally {
      this.running = false;
      if (this.head >= this.queue.length) {
        this.queue = [];
        this.head = 0;
        for (const w of this.idleWaiters.splice(0)) w();
      } else if (!this.stopped) this.kick(0);
    }
  }

  private take(): SpoolRecord[] {
    const batch: SpoolRecord[] = [];
    let rows = 0;
    let bytes = 0;
    for (let i = this.head; i < this.queue.length; i++) {
      const r = this.queue[i]!;
      if (batch.length > 0 && (rows + r.rows > this.opts.maxBatchRows || bytes + r.payload.length > this.opts.maxBatchBytes)) break;
      batch.push(r);
      rows += r.rows;
      bytes += r.payload.length;
    }
    return batch;
  }

  private done(batch: SpoolRecord[]): void {
    let rows = 0;
    let bytes = 0;
    for (const r of batch) {
      rows += r.rows;
      bytes += r.payload.length;
    }
    this.head += batch.length;
    this.stats.pendingRows -= rows;
    this.stats.pendingBytes -= bytes;
    this.stats.insertedRows += rows;
    this.stats.inserts++;
    this.spool.commit(batch[batch.length - 1]!, bytes);
    if (this.recordWaiters.size > 0) {
      for (const r of batch) {
        this.recordWaiters.get(r)?.();
        this.recordWaiters.delete(r);
      }
    }
    // Drop inserted records as soon as they are half the queue (amortized O(1)): under steady
    // load the queue never empties, and every payload it still referenced stayed in memory.
    if (this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * One insert per table present in the batch, all at once, then their ledger leaves in one
   * insert. A failure retries the batch: the rows go in again and reads collapse the repeats;
   * leaves are only written once every row of the batch is stored.
   */
  private async insert(batch: SpoolRecord[]): Promise<void> {
    const byTable = SPOOL_TABLES.map((table) => ({ table, payloads: batch.filter((r) => r.table === table).map((r) => r.payload) })).filter((t) => t.payloads.length > 0);
    await Promise.all(byTable.map((t) => this.ch.insertJsonEachRow(t.table, [this.joined(t.table, t.payloads)], INSERT_SETTINGS)));
    try {
      await this.opts.onInserted?.(byTable);
    } catch (e) {
      throw new LedgerAppendError((e as Error).message, { cause: e });
    }
  }

  /**
   * A table's payloads as one buffer, in a buffer kept for that table when it fits: inserts run
   * one at a time, so it is free again by the next. A new multi-megabyte buffer per insert made
   * V8 run a full GC every few requests (external memory counts toward its GC triggers).
   */
  private joined(table: SpoolTable, payloads: Buffer[]): Buffer {
    const hashFree = HASH_FREE_TABLES.has(table);
    if (payloads.length === 1 && !hashFree) return payloads[0]!;
    let size = 0;
    for (const p of payloads) size += p.length + (hashFree ? 1 : 0);
    let into = this.joinBuffers.get(table);
    // provenance rows are stored without their row_hash (insert-lines.ts); the ledger reads it from the payloads
    if (hashFree) {
      if ((!into || into.length < size) && size <= MAX_KEPT_JOIN_BYTES) this.joinBuffers.set(table, (into = Buffer.allocUnsafeSlow(Math.min(MAX_KEPT_JOIN_BYTES, Math.max(size, 2 * (into?.length ?? 0))))));
      return withoutRowHash(payloads, into);
    }
    if (!into || into.length < size) {
      if (size > MAX_KEPT_JOIN_BYTES) return Buffer.concat(payloads, size);
      into = Buffer.allocUnsafeSlow(Math.min(MAX_KEPT_JOIN_BYTES, Math.max(size, 2 * (into?.length ?? 0))));
      this.joinBuffers.set(table, into);
    }
    let at = 0;
    for (const p of payloads) at += p.copy(into, at);
    return into.subarray(0, size);
  }

  /**
   * Inserts the batch one request at a time; a request refused three times is set aside on disk.
   * Stops (false) at a ledger failure: rows that were stored are not set aside for it.
   */
  private async isolate(batch: SpoolRecord[]): Promise<boolean> {
    for (const r of batch) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.insert([r]);
          this.done([r]);
          break;
        } catch (e) {
          if (e instanceof LedgerAppendError) return false;
          if (attempt < 3 || !(await this.healthy())) {
            await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt));
            continue;
          }
          // Kept, not dropped: the rows stay on disk for an operator to inspect and re-ingest.
          const dir = join(this.spool.dir, 'dead-letter');
          mkdirSync(dir, { recursive: true });
          // Named by table: each file is JSONEachRow for that table, ready to inspect and re-ingest.
          appendFileSync(join(dir, `${r.table}-${r.seg}-${r.end}.jsonl`), r.payload);
          this.stats.deadLettered += r.rows;
          this.opts.log(`set aside ${r.rows} row(s) ClickHouse refused, in ${dir}: ${(e as Error).message.slice(0, 300)}`);
          this.done([r]);
          this.stats.inserts--;
          this.stats.insertedRows -= r.rows;
          break;
        }
      }
    }
    return true;
  }

  private async healthy(): Promise<boolean> {
    return this.ch.ping();
  }
}

/** The batch's rows are stored; their ledger leaves are not (yet). */
class LedgerAppendError extends Error {}

/** Rows (lines) in the dead-letter files. */
function deadLetterRows(dir: string): number {
  let rows = 0;
  try {
    for (const f of readdirSync(dir)) if (f.endsWith('.jsonl')) for (const b of readFileSync(join(dir, f))) if (b === 10) rows++;
  } catch {
    // no dead-letter directory: nothing set aside
  }
  return rows;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
