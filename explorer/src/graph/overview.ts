// A trace overview (GET /api/provenance/traces/:id/overview) as the graph the trace view draws:
// the whole trace graph when the collector sent it; else every activity of the trace with the
// examined tool calls' backward slices merged in (their nodes in this trace, the links between
// them, their taint paths), so the key node and its causes are there and the rest is steps in
// their agents' lanes. Pure.
import { type SliceEdge, type SliceNode, type SliceResponse, type TaintPath, type TraceOverviewResponse, decodeSteps } from '@causeway/schemas';

export interface OverviewGraph {
  graph: SliceResponse;
  /** only part of the trace's causal graph (the whole one is a request away) */
  partial: boolean;
}

export function overviewGraph(o: TraceOverviewResponse): OverviewGraph {
  if (o.graph) return { graph: o.graph, partial: false };
  const nodes = new Map<string, SliceNode>();
  for (const a of o.steps ? decodeSteps(o.traceId, o.steps) : []) nodes.set(a.id, a);
  // an artifact of a slice is in this trace when the trace is first in its list (result.ts puts the asking trace first)
  const here = (n: SliceNode): boolean => (n.type === 'activity' ? n.traceId === o.traceId : n.traces[0] === o.traceId);
  const edges = new Map<string, SliceEdge>();
  const paths = new Map<string, TaintPath>();
  for (const s of o.slices ?? []) {
    for (const n of s.nodes) {
      if (!here(n)) continue;
      const cur = nodes.get(n.id);
      // as the trace graph has them: depth 0 for activities, 1 for artifacts; tainted if any slice says so
      nodes.set(n.id, { ...(cur ?? {}), ...n, depth: n.type === 'activity' ? 0 : 1, tainted: n.tainted || !!cur?.tainted } as SliceNode);
    }
  }
  for (const s of o.slices ?? []) {
    for (const e of s.edges) if (nodes.has(e.from) && nodes.has(e.to)) edges.set(`${e.from}|${e.to}|${e.relation}`, edges.get(`${e.from}|${e.to}|${e.relation}`) ?? e);
    for (const t of s.taintPaths) if (t.nodes.every((id) => nodes.has(id))) paths.set(t.nodes.join(' '), t);
  }
  return {
    graph: { seed: `trace:${o.traceId}`, direction: 'trace', depth: 1, nodes: [...nodes.values()], edges: [...edges.values()], taintPaths: [...paths.values()], truncated: false },
    partial: true,
  };
}
