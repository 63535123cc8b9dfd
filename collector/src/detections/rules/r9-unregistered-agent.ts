// R9: an agent seen in traces that the registry does not know. One finding per agent (its key),
// however many traces it sends; silent while no agent is registered at all.
import { actNode } from '../trace-facts.ts';
import type { FindingDraft, Rule } from './types.ts';

export const unregisteredAgent: Rule = (ctx) => {
  if (!ctx.registry.active) return [];
  const seen = new Map<string, FindingDraft>();
  for (const a of ctx.facts.acts) {
    if (a.kind === 'approval') continue;
    const agent = ctx.facts.agents.get(a.span_id)!;
    if (!agent.id && !agent.name) continue; // spans of no agent (plain app spans) are not an agent
    if (ctx.registry.lookup(agent) || seen.has(agent.key)) continue;
    seen.set(agent.key, {
      rule: 'R9',
      key: agent.key,
      title: `unregistered agent ${agent.id || agent.name} in service ${agent.service || '(none)'}`,
      agent,
      traceIds: [a.trace_id],
      evidence: { seed: actNode(a), nodes: [actNode(a)], taintPaths: [], approvals: [], detail: { firstTrace: a.trace_id, span: a.name } },
      occurredAtNs: a.start_time_unix_nano,
    });
  }
  return [...seen.values()];
};
