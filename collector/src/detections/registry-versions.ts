// The registry per tenant: the policy file's agents, overlaid by the versions written through
// the API (`PUT /api/agents/:id`, append-only, store/reads/agent-registry.ts): the newest version
// of an agent id wins over the file's entry with that id. Loaded once per tenant and rebuilt after
// each change this collector makes (changes are serialized, so versions count up by one).
import type { Reads } from '../store/reads/index.ts';
import type { RegistryVersionRow } from '../store/reads/agent-registry.ts';
import { Registry } from './agents.ts';
import { type AgentPolicy, parseAgent } from './policy.ts';

export interface AgentVersion {
  version: number;
  at: string;
  actor: string;
  entry: AgentPolicy;
}

export interface AgentHistory {
  id: string;
  /** the entry in force: the newest API version, else the policy file's */
  current?: { source: 'api' | 'file'; version: number; entry: AgentPolicy };
  fromFile?: AgentPolicy;
  versions: AgentVersion[];
  registryVersion: number;
}

export class TenantRegistries {
  private readonly cache = new Map<string, Promise<{ registry: Registry; rows: RegistryVersionRow[] }>>();
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly fileAgents: AgentPolicy[],
    private readonly readsFor: (tenant: string) => Reads,
  ) {}

  async of(tenant: string): Promise<Registry> {
    return (await this.load(tenant)).registry;
  }

  async history(tenant: string, id: string): Promise<AgentHistory> {
    const { registry, rows } = await this.load(tenant);
    const versions = rows.filter((r) => r.agentId === id).map(toVersion);
    const fromFile = this.fileAgents.find((a) => a.id === id);
    const newest = versions.at(-1);
    return {
      id,
      ...(newest ? { current: { source: 'api' as const, version: newest.version, entry: newest.entry } } : fromFile ? { current: { source: 'file' as const, version: 0, entry: fromFile } } : {}),
      ...(fromFile ? { fromFile } : {}),
      versions,
      registryVersion: registry.version,
    };
  }

  /** Appends the next version of an agent's entry; resolves with it once stored and in force. */
  put(tenant: string, entry: AgentPolicy, actor: string): Promise<AgentVersion> {
    const run = this.writing.then(async () => {
      const { rows } = await this.load(tenant);
      const version = Math.max(0, ...rows.filter((r) => r.agentId === entry.id).map((r) => r.version)) + 1;
      const row: RegistryVersionRow = { agentId: entry.id, version, at: new Date().toISOString(), actor, entry: JSON.stringify(entry) };
      await this.readsFor(tenant).agentRegistry.append(row);
      this.cache.delete(tenant);
      return toVersion(row);
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  private load(tenant: string): Promise<{ registry: Registry; rows: RegistryVersionRow[] }> {
    let p = this.cache.get(tenant);
    if (!p) {
      p = this.readsFor(tenant)
        .agentRegistry.all()
        .then((rows) => ({ registry: buildRegistry(this.fileAgents, rows), rows }));
      // a failed read is tried again next time
      p.catch(() => this.cache.delete(tenant));
      this.cache.set(tenant, p);
    }
    return p;
  }
}

/** The file's agents with each API-written agent's newest version in place of (or beside) them. */
export function buildRegistry(fileAgents: AgentPolicy[], rows: RegistryVersionRow[]): Registry {
  const newest = new Map<string, RegistryVersionRow>();
  for (const r of rows) if ((newest.get(r.agentId)?.version ?? 0) < r.version) newest.set(r.agentId, r);
  const versions = new Map<AgentPolicy, number>();
  const fromApi = [...newest.values()].flatMap((r) => {
    try {
      const entry = toVersion(r).entry;
      versions.set(entry, r.version);
      return [entry];
    } catch {
      return []; // a row that does not parse (written by something else) is not an entry
    }
  });
  const agents = [...fileAgents.filter((a) => !newest.has(a.id)), ...fromApi];
  return new Registry(agents, rows.length, versions);
}

function toVersion(r: RegistryVersionRow): AgentVersion {
  const entry = parseAgent(JSON.parse(r.entry), `agent ${r.agentId} version ${r.version}`, (m) => {
    throw new Error(m);
  });
  return { version: r.version, at: r.at, actor: r.actor, entry };
}
