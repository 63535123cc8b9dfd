// Replay: the trace's activities in time order, one step each. At each step: what the acting
// agent could see (the artifacts its LLM call used: its context window) and what it did (what
// the step generated, and the agent's next action). Pure.
import type { GNode, Graph } from '../graph/model.ts';

export interface ReplayStep {
  index: number;
  activity: string;
  label: string;
  kind: string;
  lane: string;
  /** ns since the graph's start: when the step began and ended */
  t: number;
  tEnd: number;
  /** the LLM call whose context this is (the step itself when it is one) */
  contextFrom?: string;
  /** artifact node ids the agent could see */
  context: string[];
  /** artifact node ids the step generated */
  did: string[];
  /** the same agent's next activity */
  next?: string;
}

export function replaySteps(g: Graph): ReplayStep[] {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const used = new Map<string, string[]>();
  const generated = new Map<string, string[]>();
  const push = (m: Map<string, string[]>, k: string, v: string): void => {
    const l = m.get(k);
    if (!l) m.set(k, [v]);
    else if (!l.includes(v)) l.push(v);
  };
  for (const e of g.edges) {
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    if (!from || !to) continue;
    if (from.type === 'artifact' && to.type === 'activity' && (e.relation === 'used' || e.relation === 'executed')) push(used, to.id, from.id);
    if (from.type === 'activity' && to.type === 'artifact' && e.relation === 'generated') push(generated, from.id, to.id);
  }
  const acts = g.nodes.filter((n) => n.type === 'activity').sort((a, b) => a.t - b.t || kindRank(a) - kindRank(b) || (a.id < b.id ? -1 : 1));
  const endOf = (n: GNode): number => {
    const d = n.data;
    return d.type === 'activity' ? Number(BigInt(d.end || d.start) - g.t0) : n.t;
  };
  const lastLlm = new Map<string, GNode>();
  const steps: ReplayStep[] = acts.map((a, index) => {
    if (a.kind === 'llm') lastLlm.set(a.lane, a);
    const llm = a.kind === 'llm' ? a : lastLlm.get(a.lane);
    const context = [...(llm && llm !== a ? (used.get(llm.id) ?? []) : []), ...(used.get(a.id) ?? [])];
    return {
      index,
      activity: a.id,
      label: a.label,
      kind: a.kind,
      lane: a.lane,
      t: a.t,
      tEnd: Math.max(a.t, endOf(a)),
      ...(llm ? { contextFrom: llm.id } : {}),
      context: [...new Set(context)],
      did: generated.get(a.id) ?? [],
    };
  });
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const next = steps.slice(i + 1).find((x) => x.lane === s.lane && x.kind !== 'agent');
    if (next) s.next = next.activity;
  }
  return steps;
}

/** An enclosing agent span starts first; then by kind so equal times stay stable. */
function kindRank(n: GNode): number {
  return n.kind === 'agent' ? 0 : 1;
}

/** Nodes that exist by the end of step `i`: activities begun so far and artifacts made or seen so far. */
export function visibleAt(g: Graph, steps: ReplayStep[], i: number): Set<string> {
  const s = steps[Math.max(0, Math.min(i, steps.length - 1))];
  const out = new Set<string>();
  if (!s) return out;
  const begun = new Set(steps.slice(0, s.index + 1).map((x) => x.activity));
  for (const n of g.nodes) {
    if (n.type === 'activity' ? begun.has(n.id) : n.t <= s.tEnd) out.add(n.id);
  }
  for (const x of steps.slice(0, s.index + 1)) for (const c of x.context) out.add(c);
  return out;
}
