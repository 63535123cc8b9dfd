// The store: the pipeline's durable sink (append rows durably) and the read side's front door
// (readsFor(tenant)). It knows ClickHouse and the spool; it knows nothing of OTLP.
import { join } from 'node:path';
import type { EngineMemory, HealthResponse } from '@causeway/schemas';
import type { Exporter, IngestBatch } from '../consumer.ts';
import { type ClickHouse, type StoreTarget, openClickHouse } from './clickhouse.ts';
import { migrate } from './migrate.ts';
import { readEngineMemory } from './engine-memory.ts';
import type { LogKey } from '../ledger/checkpoint.ts';
import { LedgerStore } from './ledger-store.ts';
import { type Reads, ReadSide } from './reads/index.ts';
import { AuditIndex } from './reads/audit.ts';
import { encodedOf } from '../format/encode-rows.ts';
import { type AuditRow, auditPayload } from '../format/audit-line.ts';
import { findingEventsPayload, findingsPayload } from '../format/finding-lines.ts';
import { registryPayload } from '../format/registry-lines.ts';
import { Spool } from './spool.ts';
import { SpanWriter, type WriterOptions } from './writer.ts';

export interface StoreOptions extends StoreTarget, Omit<WriterOptions, 'log' | 'onInserted'> {
  log: (msg: string) => void;
  logKey: LogKey;
}

export class SpanStore implements Exporter {
  private readonly reads: ReadSide;
  /** which access-audit events are stored, across tenants (credential changes are audited once) */
  readonly auditIndex: AuditIndex;

  private constructor(
    private readonly ch: ClickHouse,
    private readonly spool: Spool,
    readonly writer: SpanWriter,
    readonly ledger: LedgerStore,
  ) {
    this.reads = new ReadSide(ch, {
      // Durable, then readable: a finding or status change is read (and alerted) right after.
      appendFindings: (rows) => this.appendReadable(findingsPayload(rows), rows.length, 'findings'),
      appendFindingEvents: (rows) => this.appendReadable(findingEventsPayload(rows), rows.length, 'finding_events'),
      appendRegistryVersions: (rows) => this.appendReadable(registryPayload(rows), rows.length, 'agent_registry'),
    });
    this.auditIndex = new AuditIndex(ch);
  }

  /** Every read of stored data for one tenant (built once per tenant). */
  readsFor(tenant: string): Reads {
    return this.reads.readsFor(tenant);
  }

  get backend(): ClickHouse['backend'] {
    return this.ch.backend;
  }

  static async open(o: StoreOptions): Promise<SpanStore> {
    const ch = await openClickHouse(o);
    await migrate(ch);
    const ledger = await LedgerStore.open(ch, o.logKey, { dataDir: o.dataDir, log: o.log });
    const { spool, pending } = await Spool.open(join(o.dataDir, 'spool'));
    const writer = new SpanWriter(ch, spool, { ...o, onInserted: (batch) => ledger.append(batch) });
    if (pending.length > 0) {
      const rows = pending.reduce((n, r) => n + r.rows, 0);
      o.log(`replaying ${rows} spooled span(s) not yet in ClickHouse`);
      writer.enqueue(pending);
    }
    return new SpanStore(ch, spool, writer, ledger);
  }

  /** False while the write queue is over its limit: the receiver answers 429. */
  get accepting(): boolean {
    return this.writer.accepting;
  }

  /**
   * The pipeline's durable sink: resolves once the batch's spans, log records and provenance
   * rows are fsynced to the spool; the ClickHouse insert follows.
   */
  async consume(batch: IngestBatch): Promise<void> {
    const { tables } = encodedOf(batch);
    if (tables.length === 0) return;
    // Appended in one tick, so the spool writes and fsyncs them together (group commit).
    const records = await Promise.all(tables.map((t) => this.spool.append(asBuffer(t.payload), t.rows, t.table)));
    this.writer.enqueue(records);
  }

  /**
   * The access audit's durable write: resolves once the events are fsynced to the spool (like
   * an acknowledged span); they reach `audit_events` and the ledger with the next insert.
   */
  async appendAudit(rows: AuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    this.writer.enqueue([await this.spool.append(auditPayload(rows), rows.length, 'audit_events')]);
  }

  /** Spooled (durable), then resolves once the rows are in ClickHouse and the log. */
  private async appendReadable(payload: Buffer, rows: number, table: 'findings' | 'finding_events' | 'agent_registry'): Promise<void> {
    if (rows === 0) return;
    const record = await this.spool.append(payload, rows, table);
    this.writer.enqueue([record]);
    await this.writer.inserted(record);
  }

  drained(): Promise<void> {
    return this.writer.drain();
  }

  health(): HealthResponse['store'] {
    const s = this.writer.stats;
    return {
      backend: this.ch.backend,
      pendingRows: s.pendingRows,
      pendingBytes: s.pendingBytes,
      insertedRows: s.insertedRows,
      deadLetteredRows: s.deadLettered,
      ...(s.lastError ? { lastError: s.lastError } : {}),
    };
  }

  private engineRead?: { at: number; value: Promise<EngineMemory | undefined> };

  /** Embedded ClickHouse's memory (engine-memory.ts), read at most every 5 s; undefined on the server path or when the read fails. */
  engineMemory(): Promise<EngineMemory | undefined> {
    const now = Date.now();
    if (!this.engineRead || now - this.engineRead.at > 5000) this.engineRead = { at: now, value: readEngineMemory(this.ch).catch(() => undefined) };
    return this.engineRead.value;
  }

  async close(): Promise<void> {
    await this.writer.drain();
    await this.writer.stop();
    await this.ledger.checkpoint();
    await this.ledger.close();
    await this.spool.close();
    await this.ch.close();
  }
}

/** A Buffer over the same bytes (a payload that crossed from a worker arrives as a Uint8Array). */
function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
