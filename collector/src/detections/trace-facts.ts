// What the rules see of one trace, read once through the provenance reader: its activities, the
// agent behind each, its tool calls with their arguments (as stored, redacted) and impact, its
// approvals and the calls they gate.
import type { ActivityRow, ArtifactRow } from '@causeway/schemas';
import type { ProvenanceReader } from '../provenance/slice/index.ts';
import type { SubmitterReader } from '../provenance/submitters.ts';
import { type AgentIdentity, agentsOf } from './agents.ts';
import { type Approval, linkApprovals } from './approvals.ts';
import type { DetectionPolicy } from './policy.ts';
import type { Registry } from './agents.ts';
import { globMatch } from './policy.ts';
import { type ImpactClass, impactFromCall, impactFromName } from './tool-impact.ts';

export interface ToolCall {
  act: ActivityRow;
  node: string;
  tool: string;
  agent: AgentIdentity;
  impact: ImpactClass | undefined;
  /** the stored (redacted) canonical request: `{"name":…,"arguments":…}`-like text; '' when unknown */
  args: string;
  approvals: Approval[];
}

export interface TraceFacts {
  traceId: string;
  acts: ActivityRow[];
  agents: Map<string, AgentIdentity>;
  calls: ToolCall[];
  approvals: Approval[];
  /** every artifact the trace's relations name, by id (content as stored) */
  artifacts: Map<string, ArtifactRow>;
  /** the ingest credential that sent each span, by span id (read only when some registered agent is bound to credentials) */
  submitters?: Map<string, { id: string; name: string }[]>;
}

export const actNode = (a: { trace_id: string; span_id: string }): string => `act:${a.trace_id}/${a.span_id}`;

export async function traceFacts(reader: ProvenanceReader, tenant: string, traceId: string, policy: DetectionPolicy, registry: Registry, submitters?: SubmitterReader): Promise<TraceFacts | undefined> {
  const acts = await reader.activities(tenant, [traceId]);
  if (acts.length === 0) return undefined;
  const rels = await reader.relations(tenant, [traceId]);
  const ids = new Set<string>(rels.map((r) => r.artifact_id));
  for (const a of acts) if (a.request_id) ids.add(a.request_id);
  const artifacts = new Map((await reader.artifacts(tenant, [...ids])).map((r) => [r.artifact_id, r]));
  const agents = agentsOf(acts);
  const approvals = acts.filter((a) => a.kind === 'approval');
  const tools = acts.filter((a) => a.kind === 'tool' && a.tool_name);
  const links = linkApprovals(approvals, tools);
  const calls: ToolCall[] = tools.map((act) => {
    const agent = agents.get(act.span_id)!;
    const args = artifacts.get(act.request_id)?.content ?? '';
    return {
      act,
      node: actNode(act),
      tool: act.tool_name,
      agent,
      impact: impactOf(act.tool_name, policy, registry, agent, args),
      args,
      approvals: links.get(act.span_id) ?? [],
    };
  });
  const facts: TraceFacts = { traceId, acts, agents, calls, approvals: [...links.values()].flat(), artifacts };
  if (submitters && registry.agents.some((p) => p.credentials)) {
    const rows = await submitters(tenant, acts.map((a) => ({ trace_id: a.trace_id, span_id: a.span_id })));
    // a span sent twice (an exporter's retry, or another credential re-sending its id) has a row per sender
    facts.submitters = new Map();
    for (const r of rows) facts.submitters.set(r.span_id, [...(facts.submitters.get(r.span_id) ?? []), { id: r.credential_id, name: r.credential_name }]);
  }
  return facts;
}

/** The agent's own declaration, then the policy's global lists, then what the tool's name (and, for an SQL tool, its statement) says. */
export function impactOf(tool: string, policy: DetectionPolicy, registry: Registry, agent: AgentIdentity, args = ''): ImpactClass | undefined {
  const own = registry.lookup(agent)?.highImpactTools;
  const declared = (m: Record<string, ImpactClass | true> | undefined): ImpactClass | undefined => {
    if (!m) return undefined;
    for (const [glob, cls] of Object.entries(m)) if (globMatch(glob, tool)) return cls === true ? (impactFromName(tool) ?? 'write') : cls;
    return undefined;
  };
  return declared(own) ?? declared(policy.highImpactTools) ?? (policy.lowImpactTools.some((g) => globMatch(g, tool)) ? undefined : impactFromCall(tool, args));
}
