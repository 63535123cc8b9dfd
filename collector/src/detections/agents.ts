// Agents as identities: who did an activity (gen_ai.agent.id, else gen_ai.agent.name, of the
// activity or its nearest ancestor, else the trace's one named agent; with service.name), and
// what the registry says about it.
import type { ActivityRow, FindingAgent } from '@causeway/schemas';
import type { AgentPolicy } from './policy.ts';

export interface AgentIdentity {
  key: string;
  service: string;
  id: string;
  name: string;
}

const MAX_ANCESTORS = 256;

/** The agent behind each activity of one trace, by span id. */
export function agentsOf(acts: ActivityRow[]): Map<string, AgentIdentity> {
  const bySpan = new Map(acts.map((a) => [a.span_id, a]));
  const named = [...new Set(acts.filter((a) => a.agent_id || a.agent_name).map((a) => `${a.agent_id}\u0000${a.agent_name}`))];
  const only = named.length === 1 ? named[0]!.split('\u0000') : undefined;
  const out = new Map<string, AgentIdentity>();
  for (const a of acts) {
    let cur: ActivityRow | undefined = a;
    let id = '';
    let name = '';
    // iterative walk up the parents, bounded (hostile depth never recurses)
    for (let i = 0; cur && i < MAX_ANCESTORS; i++) {
      if (cur.agent_id || cur.agent_name) {
        id = cur.agent_id;
        name = cur.agent_name;
        break;
      }
      cur = cur.parent_span_id ? bySpan.get(cur.parent_span_id) : undefined;
    }
    if (!id && !name && only) [id = '', name = ''] = only;
    out.set(a.span_id, identity(a.service_name, id, name));
  }
  return out;
}

export function identity(service: string, id: string, name: string): AgentIdentity {
  return { key: `${service}/${id || name}`, service, id, name };
}

export class Registry {
  /**
   * @param version the tenant's registry version: changes made through the API so far (0: the policy file alone)
   * @param entryVersions each API-made entry's own version (file entries: 0)
   */
  constructor(
    readonly agents: AgentPolicy[],
    readonly version = 0,
    private readonly entryVersions: ReadonlyMap<AgentPolicy, number> = new Map(),
  ) {}

  entryVersion(p: AgentPolicy): number {
    return this.entryVersions.get(p) ?? 0;
  }

  /** The registered agent this identity is, if any: its id or name equals the entry's id, and the service matches when the entry names one. */
  lookup(a: AgentIdentity): AgentPolicy | undefined {
    return this.agents.find((p) => (p.id === a.id || p.id === a.name) && (p.id !== '') && (!p.service || p.service === a.service));
  }

  /** Whether a registry is in use at all (R9 says nothing until someone registers an agent). */
  get active(): boolean {
    return this.agents.length > 0;
  }

  describe(a: AgentIdentity): FindingAgent {
    const p = this.lookup(a);
    return { ...a, registered: !!p, ...(p ? { owner: p.owner, entryVersion: this.entryVersion(p) } : {}), registryVersion: this.version };
  }
}
