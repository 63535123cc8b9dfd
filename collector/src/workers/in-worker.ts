// The tenant processor chain (provenance extraction, then redaction) run in worker threads, so
// the main thread only accepts, spools and answers: a 512-span batch costs up to ~500 ms of
// extraction and redaction, and a hostile one more, which on the main thread would stall every
// other request. A batch goes to the worker holding the fewest (the tenant's own one on a tie):
// what a worker keeps across batches is only caches (the redactor's scans, the extractor's
// document splits, which artifacts are already written), so any worker gives the same rows,
// and one busy tenant uses every worker (every core). Durable artifacts are told to all.
// A worker that dies fails the batches it held (WorkerGone: the receiver answers 503 /
// UNAVAILABLE and the SDK retries) and is restarted; nothing is acknowledged before it is durable.
import { emptyProvenance, type Processor, spansBatch } from '../consumer.ts';
import type { WorkerPool } from './pool.ts';
import type { Committed, DecodedHere, Processed } from './ingest-worker.ts';
import { BindingError, submitterOf } from '../receivers/admit.ts';
import { DecodeError } from '../receivers/otlp/decode-error.ts';
import { NotStoredError, type RequestDecoder } from '../receivers/otlp/export-request.ts';
import { RedactionTally, type RedactionStatsView } from '../processors/redact.ts';

export const INGEST_WORKER_MODULE = new URL('./ingest-worker.ts', import.meta.url).href;

/**
 * `pool` runs INGEST_WORKER_MODULE; `prepare(tenant)` runs once per tenant on the main thread
 * before its first batch (e.g. creating its key, so two threads never race to create it).
 */
/** Resolves once every worker has loaded and built `tenant`'s chain; rejects with a worker's load error. */
export function warmWorkers(pool: WorkerPool, tenant: string): Promise<void> {
  return pool.ready('warm', tenant);
}

export function inWorker(pool: WorkerPool, prepare: (tenant: string) => void = () => undefined): Processor & { readonly stats: RedactionStatsView; readonly decode: RequestDecoder } {
  const tally = new RedactionTally();
  const prepared = new Set<string>();
  const ready = (tenant: string): void => {
    if (prepared.has(tenant)) return;
    prepare(tenant);
    prepared.add(tenant);
  };
  return {
    name: 'in-worker',
    // Counted in the worker from the rows it redacted, added up here.
    stats: { snapshot: () => tally.snapshot() },
    /**
     * The receivers' decoder: the request's body goes to its tenant's worker, which decodes,
     * admits and processes it and sends back the stored lines. The batch it gives is encoded
     * (the pipeline's chain has run: process() below lets it pass).
     */
    async decode(req) {
      const tenant = req.who.tenant;
      ready(tenant);
      let done: DecodedHere;
      try {
        done = await pool.runLeastBusy<DecodedHere>(tenant, 'decode', req);
      } catch (e) {
        throw asReceiverError(e as Error);
      }
      tally.merge(done.redactions);
      const batch = { ...spansBatch(tenant, submitterOf(req.who), []), encoded: done.encoded };
      return { batch, count: done.count, rejected: done.rejected, rejectionMessage: done.rejectionMessage };
    },
    async process(batch) {
      if (batch.encoded) return batch; // decoded and processed in a worker already
      ready(batch.tenant);
      const done = await pool.runLeastBusy<Processed>(batch.tenant, 'process', batch);
      tally.merge(done.redactions);
      return { ...batch, spans: [], logs: [], provenance: emptyProvenance(), encoded: done.encoded };
    },
    committed(batch) {
      const artifacts = batch.encoded?.artifacts ?? batch.provenance.artifacts.map((a) => ({ tenant: a.tenant, artifact_id: a.artifact_id }));
      if (artifacts.length > 0) pool.tellAll('committed', { tenant: batch.tenant, artifacts } satisfies Committed);
    },
  };
}

/** A worker's error as the receivers know it: decoding and binding errors as such, anything else a retry. */
function asReceiverError(e: Error): Error {
  if (e.name === 'DecodeError') return new DecodeError('', e.message);
  if (e.name === 'RangeError') return new RangeError(e.message);
  if (e.name === 'BindingError') return new BindingError(e.message);
  return new NotStoredError(e.message);
}
