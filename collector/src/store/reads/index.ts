// The read side's front door: every read of stored data, for one tenant. Built once per tenant
// and handed to routes by the API's scope middleware (api/scope.ts), so the tenant of every
// read comes from one place: the request's scope.
import type { ClickHouse } from '../clickhouse.ts';
import { AgentActionReads } from './agent-actions.ts';
import { AgentRegistryReads } from './agent-registry.ts';
import { AuditReads } from './audit.ts';
import { BundleRows } from './bundle-rows.ts';
import { ExportReads } from './exports.ts';
import { FindingReads, type FindingSink } from './findings.ts';
import { IncidentReads } from './incidents.ts';
import { ProvenanceReads } from './provenance.ts';
import { TraceReads } from './traces.ts';

export interface Reads {
  readonly tenant: string;
  traces: TraceReads;
  provenance: ProvenanceReads;
  incidents: IncidentReads;
  exports: ExportReads;
  bundles: BundleRows;
  audit: AuditReads;
  findings: FindingReads;
  agentRegistry: AgentRegistryReads;
  agentActions: AgentActionReads;
}

export class ReadSide {
  private readonly byTenant = new Map<string, Reads>();

  constructor(
    private readonly ch: ClickHouse,
    private readonly findingSink: FindingSink = NO_FINDING_WRITES,
  ) {}

  readsFor(tenant: string): Reads {
    if (!tenant) throw new Error('reads need a tenant');
    let r = this.byTenant.get(tenant);
    if (!r) {
      const ch = this.ch;
      r = {
        tenant,
        traces: new TraceReads(ch, tenant),
        provenance: new ProvenanceReads(ch, tenant),
        incidents: new IncidentReads(ch, tenant),
        exports: new ExportReads(ch, tenant),
        bundles: new BundleRows(ch, tenant),
        audit: new AuditReads(ch, tenant),
        findings: new FindingReads(ch, tenant, this.findingSink),
        agentRegistry: new AgentRegistryReads(ch, tenant, this.findingSink),
        agentActions: new AgentActionReads(ch, tenant),
      };
      this.byTenant.set(tenant, r);
    }
    return r;
  }
}

/** A read side built without the store's spool (a test of reads alone) refuses to write findings. */
const NO_FINDING_WRITES: FindingSink = {
  appendFindings: () => Promise.reject(new Error('this read side cannot write findings (no spool)')),
  appendFindingEvents: () => Promise.reject(new Error('this read side cannot write findings (no spool)')),
  appendRegistryVersions: () => Promise.reject(new Error('this read side cannot write registry versions (no spool)')),
};

export type { StoredSpan } from './traces.ts';
export type { UntrustedSubject, UntrustedTest } from './trace-search.ts';
