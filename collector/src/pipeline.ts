// Wires receiver → processors → store, in one place (the OpenTelemetry Collector's shape).
// A processor is a function batch → batch; it never talks to storage.
import type { LogRow, SpanRow } from '@causeway/schemas';
import type { ProvenanceBatch } from './processors/provenance.ts';
import type { SpanStore } from './store/span-store.ts';

export type Processor = (rows: SpanRow[]) => SpanRow[] | Promise<SpanRow[]>;
export type LogProcessor = (rows: LogRow[]) => LogRow[] | Promise<LogRow[]>;

/** Reads the rows as they arrived (before redaction) into provenance rows stored with them. */
export interface ProvenanceStage {
  fromSpans(rows: SpanRow[]): ProvenanceBatch;
  fromLogs(rows: LogRow[]): ProvenanceBatch;
  stored(batch: ProvenanceBatch): void;
}

export class Pipeline {
  constructor(
    private readonly store: SpanStore,
    private readonly processors: Processor[] = [],
    private readonly logProcessors: LogProcessor[] = [],
    private readonly provenance?: ProvenanceStage,
  ) {}

  get accepting(): boolean {
    return this.store.accepting;
  }

  /** Resolves when the spans are durable: only then may the receiver acknowledge them. */
  async consume(rows: SpanRow[]): Promise<void> {
    const prov = this.provenance?.fromSpans(rows);
    let batch = rows;
    for (const p of this.processors) batch = await p(batch);
    await this.store.append(batch, prov);
    if (prov) this.provenance!.stored(prov);
  }

  async consumeLogs(rows: LogRow[]): Promise<void> {
    const prov = this.provenance?.fromLogs(rows);
    let batch = rows;
    for (const p of this.logProcessors) batch = await p(batch);
    await this.store.appendLogs(batch, prov);
    if (prov) this.provenance!.stored(prov);
  }
}
