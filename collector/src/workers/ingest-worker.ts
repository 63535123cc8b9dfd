// The ingest worker (run by pool.ts): each tenant's processor chain — provenance extraction,
// then redaction — exactly as the main thread would build it (tenants.ts), with its cross-batch
// caches (the extractor's written/parts memos, the redactor's memo) kept here. The main thread
// sends each batch to the least busy worker (workers/in-worker.ts), and tells every worker
// which artifacts became durable.
import { workerData } from 'node:worker_threads';
import type { ArtifactRow } from '@causeway/schemas';
import type { EncodedRows, IngestBatch } from '../consumer.ts';
import { emptyProvenance } from '../consumer.ts';
import { perTenant } from '../processors/per-tenant.ts';
import { HEAP_RETURN_DEFAULTS, HeapReturn } from '../receivers/heap-return.ts';
import { Tenants, type TenantsOptions } from '../tenants.ts';
import { serve, transferring } from './serve.ts';
import { encodeRows } from '../format/encode-rows.ts';
import { type DecodedRequest, type ExportRequest, decodeRequest } from '../receivers/otlp/export-request.ts';
import { RedactionTally } from '../processors/redact.ts';
import type { RedactionCounts } from '@causeway/schemas';

/**
 * What a batch comes back as: its rows (and what provenance found in them) already in their
 * stored form, and the redactions counted. Not the rows themselves: copying 512 spans back to
 * the main thread cost it more than encoding them there.
 */
export interface Processed {
  encoded: EncodedRows;
  redactions: RedactionCounts;
}

/** A request decoded and processed here: what the receiver answers with, and the encoded rows. */
export type DecodedHere = Omit<DecodedRequest, 'batch'> & Processed;

class ProcessingFailed extends Error {
  override name = 'ProcessingFailed';
}

/** Artifacts of a durable batch, as the extractor's memo needs them (tenant and id). */
export interface Committed {
  tenant: string;
  artifacts: Pick<ArtifactRow, 'tenant' | 'artifact_id'>[];
}

const tenants = new Tenants((workerData as { data: TenantsOptions }).data);
const chain = perTenant((t) => tenants.processorsOf(t));

const served = serve({
  /**
   * Builds a tenant's chain (redactor, extractor): the modules load, or the start fails. The name
   * lexicon (~0.5-1 s of CPU) still loads with the first batch that needs it, here off the event
   * loop: a collector that never ingests (a CLI run, most API uses) does not pay it at start.
   */
  warm: async (tenant: string): Promise<void> => {
    await chain.process({ tenant, submitter: { id: '', name: '' }, spans: [], logs: [], provenance: emptyProvenance() });
  },
  process: async (batch: IngestBatch): Promise<Processed> => {
    const p = processed(await chain.process(batch));
    return transferring(p, p.encoded.tables.map((t) => t.payload.buffer as ArrayBuffer));
  },
  /**
   * A request as received: decoded and admitted (its errors keep their names: the receiver
   * answers 400 or 403 as it would have), then processed; a failure after decoding is a
   * ProcessingFailed (503, retry).
   */
  decode: async (req: ExportRequest): Promise<DecodedHere> => {
    const { batch, ...counts } = decodeRequest(req);
    let p: Processed;
    try {
      p = processed(await chain.process(batch));
    } catch (e) {
      throw new ProcessingFailed((e as Error).message);
    }
    return transferring({ ...counts, ...p }, p.encoded.tables.map((t) => t.payload.buffer as ArrayBuffer));
  },
  committed: (c: Committed) => {
    const provenance = { ...emptyProvenance(), artifacts: c.artifacts as ArtifactRow[] };
    chain.committed?.({ tenant: c.tenant, submitter: { id: '', name: '' }, spans: [], logs: [], provenance });
  },
});

// This heap holds a large batch's strings and their redacted copies now, not the main thread's:
// it gives them back once quiet, as the main thread does (receivers/heap-return.ts).
new HeapReturn({ ...HEAP_RETURN_DEFAULTS, busy: served.busy });

/** A processed batch's rows in their stored form, each table's bytes movable, and its redactions counted. */
function processed(b: IngestBatch): Processed {
  const tally = new RedactionTally();
  for (const r of b.spans) tally.add(r.redactions);
  for (const r of b.logs) tally.add(r.redactions);
  const encoded = encodeRows(b);
  for (const t of encoded.tables) t.payload = ownBuffer(t.payload);
  return { encoded, redactions: tally.snapshot() };
}

/**
 * The bytes in an ArrayBuffer of their own, so it can move: a small Buffer shares Node's 8 KiB
 * allocation pool with others, and moving that pool would take the others' bytes with it.
 */
function ownBuffer(u: Uint8Array): Uint8Array {
  if (u.byteOffset === 0 && u.byteLength === u.buffer.byteLength) return u;
  const own = new Uint8Array(u.byteLength);
  own.set(u);
  return own;
}
