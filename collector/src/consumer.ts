// The ingest contract, at the bottom of the collector (the OpenTelemetry Collector's
// `consumer.Traces`): a receiver knows only an IngestConsumer; processors turn one IngestBatch
// into the next; the one durable sink (the Exporter) makes a batch durable. Traces and logs
// travel the same path in the same batch shape.
import type { LogRow, ProvenanceBatch, SpanRow } from '@causeway/schemas';

/** The credential that sent a batch: stamped on every row (and so covered by its ledger leaf). */
export interface Submitter {
  /** credential id */
  id: string;
  /** credential name */
  name: string;
}

/** What one export request amounts to once decoded, and what processors add to it. */
export interface IngestBatch {
  /** every row's tenant: the submitting credential's, never the payload's */
  tenant: string;
  submitter: Submitter;
  spans: SpanRow[];
  logs: LogRow[];
  /** filled by the provenance processor; stored (and ledgered) with the spans and logs */
  provenance: ProvenanceBatch;
  /**
   * The rows above already in their stored form (format/encode-rows.ts), set by a processor that
   * encodes off the main thread (workers/in-worker.ts): the sink spools these as they are, and
   * `spans`, `logs` and `provenance` come back empty.
   */
  encoded?: EncodedRows;
}

/** Tables an ingest batch writes to. */
export type IngestTable = 'spans' | 'logs' | 'prov_activities' | 'prov_relations' | 'prov_artifacts';

/** A batch's rows as stored: JSONEachRow lines with their row_hash, per table; and what later steps need of them. */
export interface EncodedRows {
  tables: { table: IngestTable; payload: Uint8Array; rows: number }[];
  /** the trace ids of the spans and log records (detections note them) */
  traceIds: string[];
  /** the artifacts written (the extractor remembers them once durable) */
  artifacts: { tenant: string; artifact_id: string }[];
}

/** Whatever comes after a receiver. */
export interface IngestConsumer {
  /** False while the sink is over its limit: receivers answer 429 / RESOURCE_EXHAUSTED. */
  readonly accepting: boolean;
  /** Resolves once the batch is durable: only then may a receiver acknowledge it. */
  consume(batch: IngestBatch): Promise<void>;
}

/** One step between receiver and sink: batch → batch. It never talks to storage. */
export interface Processor {
  readonly name: string;
  process(batch: IngestBatch): IngestBatch | Promise<IngestBatch>;
  /** Told once the batch it processed is durable (e.g. to remember what is already written). */
  committed?(batch: IngestBatch): void;
}

/** The durable sink at the end of the pipeline. */
export type Exporter = IngestConsumer;

/** The trace ids a batch's spans and log records carry, whether encoded or not. */
export function traceIdsOf(batch: Pick<IngestBatch, 'spans' | 'logs' | 'encoded'>): string[] {
  if (batch.encoded) return batch.encoded.traceIds;
  const ids = new Set<string>();
  for (const s of batch.spans) if (s.trace_id) ids.add(s.trace_id);
  for (const l of batch.logs) if (l.trace_id) ids.add(l.trace_id);
  return [...ids];
}

export function emptyProvenance(): ProvenanceBatch {
  return { activities: [], relations: [], artifacts: [] };
}

export function spansBatch(tenant: string, submitter: Submitter, spans: SpanRow[]): IngestBatch {
  return { tenant, submitter, spans, logs: [], provenance: emptyProvenance() };
}

export function logsBatch(tenant: string, submitter: Submitter, logs: LogRow[]): IngestBatch {
  return { tenant, submitter, spans: [], logs, provenance: emptyProvenance() };
}
