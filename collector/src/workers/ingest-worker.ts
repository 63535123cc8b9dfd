// The ingest worker (run by pool.ts): each tenant's processor chain — provenance extraction,
// then redaction — exactly as the main thread would build it (tenants.ts), with its cross-batch
// state (the extractor's written/parts memos, the redactor's memo) kept here. The main thread
// sends every batch of a tenant to the same worker (processors/in-worker.ts), and tells it
// which artifacts became durable.
import { workerData } from 'node:worker_threads';
import type { ArtifactRow } from '@causeway/schemas';
import type { IngestBatch } from '../consumer.ts';
import { emptyProvenance } from '../consumer.ts';
import { perTenant } from '../processors/per-tenant.ts';
import { HEAP_RETURN_DEFAULTS, HeapReturn } from '../receivers/heap-return.ts';
import { Tenants, type TenantsOptions } from '../tenants.ts';
import { serve } from './serve.ts';

/** What a batch comes back as: the rows as stored, and what provenance found in them. */
export type Processed = Pick<IngestBatch, 'spans' | 'logs' | 'provenance'>;

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
    const b = await chain.process(batch);
    return { spans: b.spans, logs: b.logs, provenance: b.provenance };
  },
  committed: (c: Committed) => {
    const provenance = { ...emptyProvenance(), artifacts: c.artifacts as ArtifactRow[] };
    chain.committed?.({ tenant: c.tenant, submitter: { id: '', name: '' }, spans: [], logs: [], provenance });
  },
});

// This heap holds a large batch's strings and their redacted copies now, not the main thread's:
// it gives them back once quiet, as the main thread does (receivers/heap-return.ts).
new HeapReturn({ ...HEAP_RETURN_DEFAULTS, busy: served.busy });
