// R5: call-rate anomaly against the agent's own baseline. Per window (`windowSeconds`, 300) the
// agent's tool calls store-wide; the baseline is the `baselineWindows` (24) windows before it,
// empty ones counting as 0. Raised when the window holds at least `minCalls` (20) calls and its
// robust z-score, (x − median) / (1.4826 · MAD), with the scale at least 1, is at least
// `threshold` (6), and the agent has calls in at least 3 of the baseline windows (a new agent has
// no baseline). One finding per agent and window, whichever of its traces shows it.
import type { ToolCall } from '../trace-facts.ts';
import { medianMad } from '../baseline.ts';
import type { FindingDraft, Rule } from './types.ts';

export const rateAnomaly: Rule = async (ctx) => {
  if (!ctx.baseline) return [];
  const s = ctx.policy.rules.R5;
  const windowNs = BigInt(s.windowSeconds ?? 300) * 1_000_000_000n;
  const history = s.baselineWindows ?? 24;
  const byAgentWindow = new Map<string, ToolCall[]>();
  for (const c of ctx.facts.calls) {
    if (!c.agent.id && !c.agent.name) continue;
    const k = `${c.agent.key}\u0000${BigInt(c.act.start_time_unix_nano) / windowNs}`;
    const l = byAgentWindow.get(k) ?? [];
    l.push(c);
    byAgentWindow.set(k, l);
  }
  const out: FindingDraft[] = [];
  for (const calls of byAgentWindow.values()) {
    const a = calls[0]!.agent;
    const w = BigInt(calls[0]!.act.start_time_unix_nano) / windowNs;
    const counts = await ctx.baseline.toolCallsPerWindow(ctx.tenant, a.service, a.id || a.name, (w - BigInt(history)) * windowNs, (w + 1n) * windowNs, windowNs);
    const x = counts.get(w) ?? 0;
    if (x < (s.minCalls ?? 20)) continue;
    const base = Array.from({ length: history }, (_, i) => counts.get(w - BigInt(history - i)) ?? 0);
    if (base.filter((n) => n > 0).length < 3) continue;
    const { median, mad } = medianMad(base);
    const z = (x - median) / Math.max(1, 1.4826 * mad);
    if (z < (s.threshold ?? 6)) continue;
    out.push({
      rule: 'R5',
      key: `${a.key}/${w * windowNs}`,
      title: `${a.id || a.name} made ${x} tool calls in ${s.windowSeconds ?? 300} s, against a median of ${median} (robust z ${z.toFixed(1)})`,
      agent: a,
      traceIds: [calls[0]!.act.trace_id],
      evidence: {
        seed: calls[0]!.node,
        nodes: calls.slice(0, 200).map((c) => c.node),
        taintPaths: [],
        approvals: [],
        detail: { windowStart: new Date(Number((w * windowNs) / 1_000_000n)).toISOString(), windowSeconds: s.windowSeconds ?? 300, calls: x, baseline: base, median, mad, z: Number(z.toFixed(2)), tools: [...new Set(calls.map((c) => c.tool))] },
      },
      occurredAtNs: calls[0]!.act.start_time_unix_nano,
    });
  }
  return out;
};
