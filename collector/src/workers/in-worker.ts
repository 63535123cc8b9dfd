// The tenant processor chain (provenance extraction, then redaction) run in worker threads, so
// the main thread only accepts, spools and answers: a 512-span batch costs up to ~500 ms of
// extraction and redaction, and a hostile one more, which on the main thread would stall every
// other request. Each tenant's batches go to one worker (its memos live there), in order.
// A worker that dies fails the batches it held (WorkerGone: the receiver answers 503 /
// UNAVAILABLE and the SDK retries) and is restarted; nothing is acknowledged before it is durable.
import type { Processor } from '../consumer.ts';
import type { WorkerPool } from './pool.ts';
import type { Committed, Processed } from './ingest-worker.ts';
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

export function inWorker(pool: WorkerPool, prepare: (tenant: string) => void = () => undefined): Processor & { readonly stats: RedactionStatsView } {
  const tally = new RedactionTally();
  const prepared = new Set<string>();
  return {
    name: 'in-worker',
    // Counted here from the rows as they came back (each carries its own redaction records).
    stats: { snapshot: () => tally.snapshot() },
    async process(batch) {
      if (!prepared.has(batch.tenant)) {
        prepare(batch.tenant);
        prepared.add(batch.tenant);
      }
      const done = await pool.run<Processed>(batch.tenant, 'process', batch);
      for (const r of done.spans) tally.add(r.redactions);
      for (const r of done.logs) tally.add(r.redactions);
      return { ...batch, spans: done.spans, logs: done.logs, provenance: done.provenance };
    },
    committed(batch) {
      const artifacts = batch.provenance.artifacts.map((a) => ({ tenant: a.tenant, artifact_id: a.artifact_id }));
      if (artifacts.length > 0) pool.tell(batch.tenant, 'committed', { tenant: batch.tenant, artifacts } satisfies Committed);
    },
  };
}
