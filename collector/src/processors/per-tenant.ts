// Each tenant's batches through that tenant's own processors: redaction placeholders and
// artifact ids are keyed by the tenant's key, so the same value never links across tenants.
import type { Processor } from '../consumer.ts';

/** One processor that runs a batch through the chain built (once, lazily) for its tenant. */
export function perTenant(build: (tenant: string) => Processor[]): Processor {
  const chains = new Map<string, Processor[]>();
  const chainOf = (tenant: string): Processor[] => {
    let c = chains.get(tenant);
    if (!c) chains.set(tenant, (c = build(tenant)));
    return c;
  };
  return {
    name: 'per-tenant',
    async process(batch) {
      let b = batch;
      for (const p of chainOf(batch.tenant)) b = await p.process(b);
      return b;
    },
    committed(batch) {
      for (const p of chainOf(batch.tenant)) p.committed?.(batch);
    },
  };
}
