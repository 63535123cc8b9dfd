// The ingest contract, at the bottom of the collector (the OpenTelemetry Collector's
// `consumer.Traces`): a receiver knows only an IngestConsumer; processors turn one IngestBatch
// into the next; the one durable sink (the Exporter) makes a batch durable. Traces and logs
// travel the same path in the same batch shape.
import type { LogRow, ProvenanceBatch, SpanRow } from '@causeway/schemas';

/** What one export request amounts to once decoded, and what processors add to it. */
export interface IngestBatch {
  spans: SpanRow[];
  logs: LogRow[];
  /** filled by the provenance processor; stored (and ledgered) with the spans and logs */
  provenance: ProvenanceBatch;
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

export function emptyProvenance(): ProvenanceBatch {
  return { activities: [], relations: [], artifacts: [] };
}

export function spansBatch(spans: SpanRow[]): IngestBatch {
  return { spans, logs: [], provenance: emptyProvenance() };
}

export function logsBatch(logs: LogRow[]): IngestBatch {
  return { spans: [], logs, provenance: emptyProvenance() };
}
