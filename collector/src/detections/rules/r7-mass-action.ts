// R7: one destructive tool run on at least `minResources` distinct resources (distinct
// arguments) within `windowSeconds`, by one agent. Evaluated within a trace: an agent loop that
// deletes record after record is one run (an agent fanning out across traces is not seen yet).
import type { ToolCall } from '../trace-facts.ts';
import type { FindingDraft, Rule } from './types.ts';

export const massAction: Rule = (ctx) => {
  const s = ctx.policy.rules.R7;
  const min = s.minResources ?? 5;
  const windowNs = BigInt(s.windowSeconds ?? 300) * 1_000_000_000n;
  const groups = new Map<string, ToolCall[]>();
  for (const c of ctx.facts.calls) {
    if (c.impact !== 'destructive') continue;
    const k = `${c.agent.key}\u0000${c.tool}`;
    const l = groups.get(k) ?? [];
    l.push(c);
    groups.set(k, l);
  }
  const out: FindingDraft[] = [];
  for (const calls of groups.values()) {
    calls.sort((a, b) => (BigInt(a.act.start_time_unix_nano) < BigInt(b.act.start_time_unix_nano) ? -1 : 1));
    // sliding window over start times, counting distinct arguments in it (linear in the calls)
    const inWin = new Map<string, number>();
    let bestLo = 0;
    let bestHi = -1;
    let bestCount = 0;
    let lo = 0;
    for (let hi = 0; hi < calls.length; hi++) {
      inWin.set(calls[hi]!.args, (inWin.get(calls[hi]!.args) ?? 0) + 1);
      while (BigInt(calls[hi]!.act.start_time_unix_nano) - BigInt(calls[lo]!.act.start_time_unix_nano) > windowNs) {
        const k = calls[lo]!.args;
        const n = inWin.get(k)! - 1;
        if (n === 0) inWin.delete(k);
        else inWin.set(k, n);
        lo++;
      }
      if (inWin.size > bestCount) [bestLo, bestHi, bestCount] = [lo, hi, inWin.size];
    }
    const best = calls.slice(bestLo, bestHi + 1);
    if (distinct(best) < min) continue;
    const first = best[0]!;
    out.push({
      rule: 'R7',
      key: `${first.act.trace_id}/${first.agent.key}/${first.tool}`,
      title: `${first.tool} run on ${distinct(best)} different resources within ${s.windowSeconds ?? 300} s`,
      agent: first.agent,
      traceIds: [first.act.trace_id],
      evidence: {
        seed: first.node,
        nodes: best.slice(0, 200).map((c) => c.node),
        taintPaths: [],
        approvals: [],
        detail: { tool: first.tool, calls: best.length, distinctResources: distinct(best), arguments: [...new Set(best.map((c) => c.args))].slice(0, 50).map((a) => a.slice(0, 300)) },
      },
      occurredAtNs: first.act.start_time_unix_nano,
    });
  }
  return out;
};

const distinct = (calls: ToolCall[]): number => new Set(calls.map((c) => c.args)).size;
