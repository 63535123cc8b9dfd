// Graph → the layout's flat input (what crosses to the worker).
import type { LayoutInput, LayoutOptions } from './layout.ts';
import type { Graph } from '../model.ts';

export function toLayoutInput(g: Graph, options?: Partial<LayoutOptions>, near?: ReadonlyMap<string, string>): LayoutInput {
  const idx = new Map(g.nodes.map((n, i) => [n.id, i]));
  const from: number[] = [];
  const to: number[] = [];
  for (const e of g.edges) {
    const f = idx.get(e.from);
    const t = idx.get(e.to);
    if (f === undefined || t === undefined) continue;
    from.push(f);
    to.push(t);
  }
  return {
    lane: g.nodes.map((n) => n.lane),
    t: Float64Array.from(g.nodes, (n) => n.t),
    artifact: Uint8Array.from(g.nodes, (n) => (n.type === 'artifact' ? 1 : 0)),
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    key: g.nodes.map((n) => n.id),
    ...(near && near.size ? { near: Int32Array.from(g.nodes, (n) => idx.get(near.get(n.id) ?? '') ?? -1) } : {}),
    ...(options ? { options } : {}),
  };
}
