// R8: the agent's policy requires an approval for this call and none approving is linked.
import { approvedBy } from '../approvals.ts';
import { globMatch } from '../policy.ts';
import type { FindingDraft, Rule } from './types.ts';

export const missingApproval: Rule = (ctx) => {
  const out: FindingDraft[] = [];
  for (const call of ctx.facts.calls) {
    const p = ctx.registry.lookup(call.agent);
    const req = p?.approvalRequired;
    if (!p || !req) continue;
    const needed = req === 'high-impact' ? !!call.impact : req.some((g) => globMatch(g, call.tool));
    if (!needed || approvedBy(call.approvals, p.acceptGuardrailApproval ?? false)) continue;
    const denied = call.approvals.some((a) => a.decision === 'denied');
    out.push({
      rule: 'R8',
      key: call.node,
      title: denied ? `${call.tool} ran although its approval was denied` : `${call.tool} ran without the approval ${p.id}'s policy requires`,
      agent: call.agent,
      traceIds: [call.act.trace_id],
      evidence: {
        seed: call.node,
        nodes: [call.node, ...call.approvals.map((a) => a.node)],
        taintPaths: [],
        approvals: call.approvals.map((a) => ({ node: a.node, decision: `${a.by}:${a.decision}` })),
        detail: { tool: call.tool, impact: call.impact ?? null, approvalRequired: req, linkedApprovals: call.approvals.length, denied },
      },
      occurredAtNs: call.act.start_time_unix_nano,
    });
  }
  return out;
};
