// R1: untrusted content on the causal path of a high-impact tool call with no approval linked.
// Evidence: the backward slice's taint paths from each untrusted source to the call, and their nodes.
import type { SliceArtifact } from '@causeway/schemas';
import { approvedBy } from '../approvals.ts';
import type { FindingDraft, Rule } from './types.ts';

const MAX_PATHS = 20;

export const untrustedToHighImpact: Rule = async (ctx) => {
  const out: FindingDraft[] = [];
  for (const call of ctx.facts.calls) {
    if (!call.impact) continue;
    const accept = ctx.registry.lookup(call.agent)?.acceptGuardrailApproval ?? false;
    if (approvedBy(call.approvals, accept)) continue;
    const slice = await ctx.backward(call);
    if (!slice || slice.taintPaths.length === 0) continue;
    const paths = slice.taintPaths.slice(0, MAX_PATHS);
    const byId = new Map(slice.nodes.map((n) => [n.id, n]));
    const sources = [...new Set(paths.map((p) => p.source))].map((id) => byId.get(id)).filter((n): n is SliceArtifact => n?.type === 'artifact');
    out.push({
      rule: 'R1',
      key: call.node,
      title: `${call.tool} (${call.impact}) ran on untrusted content from ${[...new Set(sources.map(describe))].join(', ') || 'an untrusted source'}`,
      agent: call.agent,
      traceIds: [...new Set([call.act.trace_id, ...paths.flatMap((p) => p.nodes.filter((n) => n.startsWith('act:')).map((n) => n.slice(4, 36)))])],
      evidence: {
        seed: call.node,
        nodes: [...new Set(paths.flatMap((p) => p.nodes))],
        taintPaths: paths,
        approvals: call.approvals.map((a) => ({ node: a.node, decision: `${a.by}:${a.decision}` })),
        detail: {
          tool: call.tool,
          impact: call.impact,
          arguments: call.args.slice(0, 2000),
          untrustedSources: sources.map((s) => ({ node: s.id, kind: s.kind, trustRule: s.trustRule, trustWhy: s.trustWhy, trustMatched: s.trustMatched ?? null, documentId: s.documentId, preview: s.preview.slice(0, 500) })),
          taintPathCount: slice.taintPaths.length,
          sliceTruncated: slice.truncated,
        },
      },
      occurredAtNs: call.act.start_time_unix_nano,
    });
  }
  return out;
};

function describe(s: SliceArtifact): string {
  return s.documentId ? `${s.kind} ${s.documentId}` : s.toolName ? `${s.kind} of ${s.toolName}` : s.kind;
}
