// An authenticated caller. Routes, the audit and the ingest path see only this, never a
// header or a body field naming who the caller is.
import type { PrincipalInfo } from '@causeway/schemas';
import type { Credential } from './credential-store.ts';

export interface Principal extends PrincipalInfo {
  /** service.name values an ingest credential may send (empty: any) */
  services: string[];
  /** gen_ai.agent.name / gen_ai.agent.id values an ingest credential may send (empty: any) */
  agents: string[];
  /** a session opened with a credential: the credential, re-checked (revocation) on every request */
  credentialId?: string;
}

export function credentialPrincipal(c: Credential): Principal {
  return { kind: 'token', id: c.id, name: c.name, tenant: c.tenant, role: c.role, tenants: [c.tenant], services: c.services, agents: c.agents };
}

/** How the audit names an actor: `token:<id> (<name>)` etc. are built from these. */
export function actorOf(p: Principal | undefined): { kind: string; id: string; name: string } {
  return p ? { kind: p.kind, id: p.id, name: p.name } : { kind: 'anonymous', id: '', name: '' };
}
