// R6: first access. A call touches a resource (host, table, dataset, channel, repo, path …:
// resources.ts) that none of the agent's previous `baselineCalls` (2,000) calls touched, once the
// agent has at least `minHistoryCalls` (10) of them (before that, everything is new). One finding
// per agent and resource: the first access, by definition, happens once.
import { resourcesOf } from '../resources.ts';
import type { FindingDraft, Rule } from './types.ts';

export const firstAccess: Rule = async (ctx) => {
  if (!ctx.baseline) return [];
  const s = ctx.policy.rules.R6;
  const out: FindingDraft[] = [];
  const known = new Map<string, { history: number; resources: Set<string> }>();
  const calls = [...ctx.facts.calls].sort((a, b) => (BigInt(a.act.start_time_unix_nano) < BigInt(b.act.start_time_unix_nano) ? -1 : 1));
  for (const call of calls) {
    const a = call.agent;
    if (!a.id && !a.name) continue;
    const touched = resourcesOf(call.args);
    if (touched.length === 0) continue;
    let k = known.get(a.key);
    if (!k) {
      // the agent's history before this trace's first call (this trace's own calls are added as they come)
      const before = await ctx.baseline.requestsBefore(ctx.tenant, a.service, a.id || a.name, BigInt(calls[0]!.act.start_time_unix_nano), s.baselineCalls ?? 2000);
      k = { history: before.length, resources: new Set(before.flatMap(resourcesOf)) };
      known.set(a.key, k);
    }
    const fresh = touched.filter((r) => !k!.resources.has(r));
    if (k.history >= (s.minHistoryCalls ?? 10)) {
      for (const r of fresh) {
        out.push({
          rule: 'R6',
          key: `${a.key}/${r}`,
          title: `${a.id || a.name} touched ${r} for the first time (not in its last ${k.history} calls)`,
          agent: a,
          traceIds: [call.act.trace_id],
          evidence: { seed: call.node, nodes: [call.node], taintPaths: [], approvals: [], detail: { tool: call.tool, resource: r, historyCalls: k.history, knownResources: k.resources.size, arguments: call.args.slice(0, 2000) } },
          occurredAtNs: call.act.start_time_unix_nano,
        });
      }
    }
    for (const r of touched) k.resources.add(r);
    k.history++;
  }
  return out;
};
