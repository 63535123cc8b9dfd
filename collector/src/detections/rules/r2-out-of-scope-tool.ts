// R2: a registered agent with a declared tool scope called a tool outside it.
import { globMatch } from '../policy.ts';
import type { FindingDraft, Rule } from './types.ts';

export const outOfScopeTool: Rule = (ctx) => {
  const out: FindingDraft[] = [];
  for (const call of ctx.facts.calls) {
    const p = ctx.registry.lookup(call.agent);
    if (!p?.allowedTools) continue;
    if (p.allowedTools.some((g) => globMatch(g, call.tool))) continue;
    out.push({
      rule: 'R2',
      key: call.node,
      title: `${p.id} called ${call.tool}, outside its declared tools`,
      agent: call.agent,
      traceIds: [call.act.trace_id],
      evidence: { seed: call.node, nodes: [call.node], taintPaths: [], approvals: [], detail: { tool: call.tool, allowedTools: p.allowedTools, owner: p.owner, purpose: p.purpose, arguments: call.args.slice(0, 2000) } },
      occurredAtNs: call.act.start_time_unix_nano,
    });
  }
  return out;
};
