// Per-tenant ingest state: each tenant's key (placeholder fingerprints; artifact ids and content
// fingerprints through a key derived from it) and the processors built on it. The default
// tenant's key may live elsewhere (CAUSEWAY_TENANT_KEY_FILE); others are `<data dir>/keys/<tenant>.key`.
import { createHmac } from 'node:crypto';
import type { Processor } from './consumer.ts';
import { ProvenanceExtractor, provenanceProcessor } from './processors/provenance.ts';
import { type RedactionStatsView, redactProcessor } from './processors/redact.ts';
import { redactString } from './redaction/values.ts';
import type { RedactionPolicy } from './redaction/policy.ts';
import { type Redactor, createRedactor } from './redaction/redactor.ts';
import { loadOrCreateTenantKey, tenantKeyPath } from './redaction/tenant-key.ts';

export interface TenantsOptions {
  dataDir: string;
  defaultTenant: string;
  defaultKeyFile?: string;
  policy: RedactionPolicy;
  provenance: boolean;
}

export class Tenants {
  private readonly redactors = new Map<string, Redactor>();
  private readonly tallies: RedactionStatsView[] = [];
  /** what redaction replaced since start, every tenant together (/healthz) */
  readonly stats: RedactionStatsView = {
    snapshot: () => {
      const byRule: Record<string, number> = {};
      let spansRedacted = 0;
      for (const t of this.tallies) {
        const s = t.snapshot();
        spansRedacted += s.spansRedacted;
        for (const [rule, n] of Object.entries(s.byRule)) byRule[rule] = (byRule[rule] ?? 0) + n;
      }
      return { spansRedacted, byRule };
    },
  };

  constructor(private readonly o: TenantsOptions) {}

  keyOf(tenant: string): Buffer {
    const file = tenant === this.o.defaultTenant && this.o.defaultKeyFile ? this.o.defaultKeyFile : tenantKeyPath(this.o.dataDir, tenant);
    return loadOrCreateTenantKey(file);
  }

  redactorOf(tenant: string): Redactor {
    let r = this.redactors.get(tenant);
    if (!r) this.redactors.set(tenant, (r = createRedactor({ key: this.keyOf(tenant), policy: this.o.policy })));
    return r;
  }

  /** Redacts free text bound for storage outside a span (audit targets, user agents). */
  redact(tenant: string, text: string): string {
    return redactString({ redactor: this.redactorOf(tenant), scope: '', note: () => undefined }, text, 'audit');
  }

  /** The tenant's processors: provenance (reads the rows as they arrived) before redaction. */
  processorsOf(tenant: string): Processor[] {
    const redactor = this.redactorOf(tenant);
    // Its own key, derived from the tenant key: artifact ids and fingerprints never share a key with placeholders.
    const provenanceKey = createHmac('sha256', this.keyOf(tenant)).update('causeway provenance v1').digest();
    const extractor = new ProvenanceExtractor(provenanceKey, redactor);
    const redact = redactProcessor(redactor);
    this.tallies.push(redact.stats);
    return [...(this.o.provenance ? [provenanceProcessor(extractor)] : []), redact];
  }
}
